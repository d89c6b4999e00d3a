// Gossip of public records and signed heads. Every incoming message is judged by the records layer
// before gossipsub forwards it: accept (valid, new), ignore (duplicate, stale) or reject (malformed,
// bad signature), so gossipsub's peer scoring punishes peers that send garbage.
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { isAspError } from '../errors.js'
import type { Log } from '../log/log.js'
import type { Peer } from '../net/libp2p.js'
import { topicFor } from '../net/protocols.js'
import { buildForkProof } from '../records/kinds/fork-proof.js'
import { headKind, type Head } from '../records/kinds/index.js'
import { decodeRecord, type SignedRecord } from '../records/record.js'
import type { HeadBook } from './head-book.js'
import { PUBLIC_KINDS, type PublicKind, type PublicRecords } from './public-records.js'

const log = logger('asp:gossip')

export class Gossip {
  private readonly topics = new Map<string, PublicKind | 'head'>()

  constructor (
    private readonly peer: Peer,
    network: string,
    private readonly records: PublicRecords,
    private readonly heads: HeadBook,
    private readonly ownLog: Log
  ) {
    for (const kind of [...PUBLIC_KINDS, 'head' as const]) this.topics.set(topicFor(network, kind), kind)
  }

  start (): void {
    const pubsub = this.peer.services.pubsub
    for (const [topic, kind] of this.topics) {
      pubsub.topicValidators.set(topic, async (source: PeerId, message: Message) => this.validate(kind, source, message))
      pubsub.subscribe(topic)
    }
  }

  stop (): void {
    const pubsub = this.peer.services.pubsub
    for (const topic of this.topics.keys()) {
      pubsub.unsubscribe(topic)
      pubsub.topicValidators.delete(topic)
    }
  }

  async publish (kind: PublicKind | 'head', record: SignedRecord<unknown>): Promise<void> {
    const topic = [...this.topics].find(([, k]) => k === kind)?.[0]
    if (topic === undefined) throw new Error(`no topic for ${kind}`)
    await this.peer.services.pubsub.publish(topic, record.bytes)
  }

  /** Signs and gossips this node's head, after noting it, so a forged head of ours is caught too. */
  async publishHead (): Promise<void> {
    const head = this.ownLog.signHead()
    if (head.value.seq === 0) return
    this.heads.observe(head)
    await this.publish('head', head)
  }

  private async validate (kind: PublicKind | 'head', source: PeerId, message: Message): Promise<TopicValidatorResult> {
    try {
      if (kind === 'head') return await this.validateHead(message.data)
      const verdict = await this.records.check(kind, message.data)
      if (verdict.verdict === 'reject') {
        log('rejected %s from %p: %s', kind, source, verdict.reason)
        return TopicValidatorResult.Reject
      }
      if (verdict.verdict === 'ignore') return TopicValidatorResult.Ignore
      // Forwarding does not wait for the durable write (about 10 ms a hop): a record lost to a crash
      // in between comes back through sync.
      this.records.accept(kind, verdict.record).catch((err: Error) => log.error('storing %s failed: %e', kind, err))
      return TopicValidatorResult.Accept
    } catch (err) {
      log.error('validating %s from %p failed: %e', kind, source, err)
      return TopicValidatorResult.Ignore
    }
  }

  private async validateHead (bytes: Uint8Array): Promise<TopicValidatorResult> {
    let head: SignedRecord<Head>
    try {
      head = decodeRecord(headKind, bytes)
    } catch (err) {
      log('rejected head: %s', isAspError(err) ? err.code : (err as Error).message)
      return TopicValidatorResult.Reject
    }
    if (head.value.seq === 0 || head.value.cid === null) return TopicValidatorResult.Ignore
    const seen = this.heads.observe(head)
    if (seen.status === 'duplicate') return TopicValidatorResult.Ignore
    if (seen.status === 'fork') {
      await this.reportFork({ kind: 'head', record: seen.other.bytes }, { kind: 'head', record: head.bytes })
    } else if (head.value.author === this.ownLog.author) {
      // A head in our name that our own log contradicts: someone holds our key.
      const ours = await this.ownLog.getEntry(head.value.seq)
      if (ours !== undefined && ours.cid.toString() !== head.value.cid.toString()) {
        await this.reportFork({ kind: 'entry', record: ours.bytes }, { kind: 'head', record: head.bytes })
      }
    }
    // A conflicting head is still forwarded: every node should see both halves of the fork.
    return TopicValidatorResult.Accept
  }

  private async reportFork (a: { kind: 'entry' | 'head', record: Uint8Array }, b: { kind: 'entry' | 'head', record: Uint8Array }): Promise<void> {
    const proof = buildForkProof(a, b)
    log('fork by %s at seq %d', proof.value.author, proof.value.seq)
    if (await this.records.accept('fork-proof', proof)) await this.publish('fork-proof', proof)
  }
}
