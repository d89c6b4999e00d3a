// Finding other organizations' agents: capabilities are provided in the network's DHT; the orgs
// found are asked for their cards directly (/asp/card/1.0.0), and each card is verified before use.
import type { PeerId } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { z } from 'zod'
import type { Clock } from '../clock.js'
import type { NodeConfig } from '../config.js'
import { isAspError } from '../errors.js'
import { CARD_PROTOCOL } from '../net/protocols.js'
import type { Peer } from '../net/libp2p.js'
import { NetError, request, serve, type RpcLimits } from '../net/rpc.js'
import { capability as capabilitySchema } from '../records/kinds/agent-card.js'
import { agentCardKind, type AgentCard } from '../records/kinds/index.js'
import { decodeRecord, type SignedRecord } from '../records/record.js'
import { identifier } from '../records/schema-types.js'
import type { CardBook } from './card-book.js'
import { capabilityKey } from './capability-key.js'

const log = logger('asp:discovery')

const cardRequest = z.strictObject({ network: z.string(), agent: identifier.optional(), capability: capabilitySchema.optional() })
const MAX_CARDS = 64
const cardResponse = z.strictObject({ cards: z.array(z.custom<Uint8Array>((v) => v instanceof Uint8Array)).max(MAX_CARDS) })

export interface DiscoveredAgent {
  org: string
  agent: string
  capabilities: string[]
  summary: string
  addresses: string[]
  expires: number
  cid: string
  /** Higher ranks first. Until reputation exists every org ranks 0, then by org and agent name. */
  rank: number
}

export class Discovery {
  private readonly limits: RpcLimits

  constructor (
    private readonly peer: Peer,
    private readonly cards: CardBook,
    private readonly config: NodeConfig,
    private readonly clock: Clock,
    private readonly rank: (org: string) => number = () => 0
  ) {
    this.limits = config.net
  }

  async start (): Promise<void> {
    await serve(this.peer, CARD_PROTOCOL, async (body) => {
      const parsed = cardRequest.safeParse(body)
      if (!parsed.success) throw new NetError('NET_REQUEST_INVALID', 'a card request is {network, agent?, capability?}')
      if (parsed.data.network !== this.config.network) throw new NetError('NET_WRONG_NETWORK', `this node is on ${this.config.network}, not ${parsed.data.network}`)
      return { cards: this.cards.current(parsed.data).slice(0, MAX_CARDS).map((c) => c.bytes) }
    }, this.limits)
  }

  /** Announces every capability of this org's current cards in the DHT. */
  async advertise (signal?: AbortSignal): Promise<void> {
    const capabilities = new Set(this.cards.current().flatMap((c) => c.value.capabilities))
    for (const capability of capabilities) {
      await this.peer.contentRouting.provide(capabilityKey(this.config.network, capability), { signal: this.querySignal(signal) })
    }
  }

  /** Orgs that advertise `capability`, with their verified cards, ranked. */
  async discover (capability: string, options: { signal?: AbortSignal, limit?: number } = {}): Promise<DiscoveredAgent[]> {
    const providers = new Map<string, PeerId>()
    try {
      for await (const provider of this.peer.contentRouting.findProviders(capabilityKey(this.config.network, capability), { signal: this.querySignal(options.signal) })) {
        if (provider.id.equals(this.peer.peerId)) continue
        if (provider.multiaddrs.length > 0) await this.peer.peerStore.merge(provider.id, { multiaddrs: provider.multiaddrs })
        providers.set(provider.id.toString(), provider.id)
        if (providers.size >= (options.limit ?? 20)) break
      }
    } catch (err) {
      // A query that times out still returns what it found by then.
      if (providers.size === 0 && options.signal?.aborted === true) throw err
      log('findProviders for %s ended: %s', capability, (err as Error).message)
    }
    const found = await Promise.all([...providers.values()].map(async (id) => this.fetchCards(id, capability, options.signal)))
    const bytewise = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0)
    return found.flat().sort((a, b) => b.rank - a.rank || bytewise(a.org, b.org) || bytewise(a.agent, b.agent))
  }

  private async fetchCards (provider: PeerId, capability: string, signal?: AbortSignal): Promise<DiscoveredAgent[]> {
    let answer: unknown
    try {
      answer = await request(this.peer, provider, CARD_PROTOCOL, { network: this.config.network, capability }, this.limits, { signal })
    } catch (err) {
      log('no cards from %p: %s', provider, (err as Error).message)
      return []
    }
    const parsed = cardResponse.safeParse(answer)
    if (!parsed.success) return []
    const out: DiscoveredAgent[] = []
    for (const bytes of parsed.data.cards) {
      const card = this.verifyCard(bytes, provider, capability)
      if (card !== undefined) out.push(this.describe(card))
    }
    return out
  }

  /** A card counts only if it verifies, is signed by the org that served it, is live and offers the capability. */
  private verifyCard (bytes: Uint8Array, provider: PeerId, capability: string): SignedRecord<AgentCard> | undefined {
    try {
      const card = decodeRecord(agentCardKind, bytes)
      if (card.value.org !== provider.toString()) log('%p served a card of %s: dropped', provider, card.value.org)
      else if (card.value.expires <= this.clock.now()) log('%p served an expired card: dropped', provider)
      else if (!card.value.capabilities.includes(capability)) log('%p served a card without %s: dropped', provider, capability)
      else return card
    } catch (err) {
      log('%p served an invalid card: %s', provider, isAspError(err) ? err.code : (err as Error).message)
    }
    return undefined
  }

  private describe (card: SignedRecord<AgentCard>): DiscoveredAgent {
    const c = card.value
    return { org: c.org, agent: c.agent, capabilities: c.capabilities, summary: c.summary, addresses: c.addresses, expires: c.expires, cid: card.cid.toString(), rank: this.rank(c.org) }
  }

  private querySignal (signal?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.config.dht.queryTimeoutMs)
    return signal === undefined ? timeout : AbortSignal.any([signal, timeout])
  }
}
