// What the dispute benchmark asks of one node, as plain async calls whose arguments and results
// cross a process boundary unchanged: LocalHandle runs them on a node of this process, and a child
// process serves the same calls to its parent (dispute-node-process.ts, process-network.ts).
import { peerIdFromString } from '@libp2p/peer-id'
import { requestEvidence } from '../../src/disputes/evidence-protocol.js'
import { topicFor } from '../../src/net/protocols.js'
import type { AspNode } from '../../src/node.js'
import { parseCid } from '../../src/records/codec.js'
import { agentCardKind } from '../../src/records/kinds/index.js'
import { signRecord } from '../../src/records/record.js'
import type { Terms } from '../../src/session/terms.js'
import { commitBody } from '../../test/helpers/deal-kit.js'
import { RAW_TOPIC, wallNow } from './node-events.js'
import { countPublishes, tapValidators, type ValidatorTap } from './validator-tap.js'

export interface NodeStats {
  /** Verdict messages that reached this node's validator, and the CPU their synchronous checking took (ms). */
  verdictValidations: number
  verdictCpuMs: number
  verdictWallMs: number
  voteValidations: number
  voteCpuMs: number
  /** Verdict messages this node published. */
  verdictsPublished: number
}

export interface NodeHandle {
  readonly index: number
  readonly orgId: string
  readonly peerId: string
  peers(): Promise<number>
  rawSubscribe(on: boolean): Promise<void>
  rawSubscribers(): Promise<number>
  /** Publishes 200 bytes starting with the 16 bytes of `tag` (hex) on the raw topic; returns the wall time just before. */
  rawPublish(tag: string): Promise<number>
  /** Signs an agent card, then gossips it; returns the wall time just before the publish, and its CID. */
  publishCard(seq: number): Promise<{ t0: number, cid: string }>
  /** As buyer: REQUEST to `vendor`'s sales agent; returns the session id. */
  dealOpen(vendor: string): Promise<string>
  dealPropose(session: string, terms: Terms): Promise<void>
  /** ACCEPT of the live offer. */
  dealAccept(session: string): Promise<void>
  /** COMMIT; returns the commitment id once this side's COMMIT is through. */
  dealCommit(session: string): Promise<string>
  /** As an arbiter: asks each party for the evidence of a dispute, in parallel; returns ms. */
  evidence(dispute: string, parties: string[]): Promise<number>
  nodeStats(reset: boolean): Promise<NodeStats>
}

export class LocalHandle implements NodeHandle {
  readonly orgId: string
  readonly peerId: string
  private readonly verdictTap: ValidatorTap
  private readonly voteTap: ValidatorTap
  private readonly published: { count: number }

  constructor (private readonly node: AspNode, readonly index: number) {
    this.orgId = node.key.orgId
    this.peerId = node.peerId.toString()
    this.verdictTap = tapValidators([node], topicFor(node.config.network, 'verdict'))
    this.voteTap = tapValidators([node], topicFor(node.config.network, 'vote'))
    this.published = countPublishes([node], 'verdict')
  }

  async peers (): Promise<number> {
    return this.node.peer.getPeers().length
  }

  async rawSubscribe (on: boolean): Promise<void> {
    if (on) this.node.peer.services.pubsub.subscribe(RAW_TOPIC)
    else this.node.peer.services.pubsub.unsubscribe(RAW_TOPIC)
  }

  async rawSubscribers (): Promise<number> {
    return this.node.peer.services.pubsub.getSubscribers(RAW_TOPIC).length
  }

  async rawPublish (tag: string): Promise<number> {
    const payload = new Uint8Array(200)
    payload.set(Buffer.from(tag, 'hex'))
    const t0 = wallNow()
    await this.node.peer.services.pubsub.publish(RAW_TOPIC, payload)
    return t0
  }

  async publishCard (seq: number): Promise<{ t0: number, cid: string }> {
    const card = signRecord(agentCardKind, {
      v: 1,
      org: this.orgId,
      agent: 'bench-gossip',
      capabilities: ['sell:bench-gossip'],
      summary: `gossip round ${seq}`,
      addresses: this.node.peer.getMultiaddrs().map((a) => a.toString()).slice(0, 16),
      expires: Date.now() + 3_600_000,
      seq
    }, this.node.key.signer)
    const t0 = wallNow()
    await this.node.gossip.publish('agent-card', card)
    return { t0, cid: card.cid.toString() }
  }

  async dealOpen (vendor: string): Promise<string> {
    const s = await this.node.sessions.open('procurement', { org: vendor, agent: 'sales' }, { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: '500 GPU hours' } })
    return s.id
  }

  async dealPropose (session: string, terms: Terms): Promise<void> {
    await this.node.sessions.send(session, { type: 'PROPOSE', body: { terms } })
  }

  async dealAccept (session: string): Promise<void> {
    const offer = this.node.sessions.state(session)?.liveOffer
    if (offer == null) throw new Error(`no live offer in ${session}`)
    await this.node.sessions.send(session, { type: 'ACCEPT', body: { offer: offer.cid } })
  }

  async dealCommit (session: string): Promise<string> {
    const state = await this.node.sessions.send(session, { type: 'COMMIT', body: commitBody(this.node, session) })
    const agreement = state.agreement
    if (agreement == null) throw new Error(`nothing accepted in ${session}`)
    return agreement.cid.toString()
  }

  async evidence (dispute: string, parties: string[]): Promise<number> {
    const cid = parseCid(dispute)
    const t = performance.now()
    await Promise.all(parties.map(async (party) => requestEvidence(this.node.peer, peerIdFromString(party), cid, this.node.config)))
    return performance.now() - t
  }

  async nodeStats (reset: boolean): Promise<NodeStats> {
    const stats: NodeStats = {
      verdictValidations: this.verdictTap.calls,
      verdictCpuMs: this.verdictTap.cpuMs,
      verdictWallMs: this.verdictTap.wallMs,
      voteValidations: this.voteTap.calls,
      voteCpuMs: this.voteTap.cpuMs,
      verdictsPublished: this.published.count
    }
    if (reset) this.verdictTap.calls = this.verdictTap.cpuMs = this.verdictTap.wallMs = this.voteTap.calls = this.voteTap.cpuMs = this.voteTap.wallMs = this.published.count = 0
    return stats
  }
}
