// This org's own agent cards: the latest signed card per agent, rebuilt from the log at start.
import type { Clock } from '../clock.js'
import type { Log } from '../log/log.js'
import { agentCardKind, type AgentCard } from '../records/kinds/index.js'
import { decodeRecord, signRecord, type SignedRecord } from '../records/record.js'
import type { Signer } from '../records/ed25519.js'

export interface CardInput {
  agent: string
  capabilities: string[]
  summary: string
  /** How long the card is valid, from now. */
  ttlMs: number
}

export class CardBook {
  private readonly cards = new Map<string, SignedRecord<AgentCard>>()

  constructor (private readonly log: Log, private readonly signer: Signer, private readonly clock: Clock) {}

  async load (): Promise<void> {
    for await (const entry of this.log.entries()) {
      const body = entry.value.body as { kind?: string, record?: unknown }
      if (entry.value.kind !== 'record' || body.kind !== agentCardKind.name) continue
      const bytes = await this.log.getBlock(body.record as never)
      if (bytes === undefined) continue
      const card = decodeRecord(agentCardKind, bytes, { skipSignatures: true })
      if (card.value.org === this.log.author) this.remember(card)
    }
  }

  private remember (card: SignedRecord<AgentCard>): void {
    const known = this.cards.get(card.value.agent)
    if (known === undefined || known.value.seq < card.value.seq) this.cards.set(card.value.agent, card)
  }

  /** Signs the next card of an agent (seq one above its last) and records it in the log. */
  async publish (input: CardInput, addresses: string[]): Promise<SignedRecord<AgentCard>> {
    const previous = this.cards.get(input.agent)
    const card = signRecord(agentCardKind, {
      v: 1,
      org: this.log.author,
      agent: input.agent,
      capabilities: [...new Set(input.capabilities)].sort(),
      summary: input.summary,
      addresses: addresses.slice(0, 16),
      expires: this.clock.now() + input.ttlMs,
      seq: (previous?.value.seq ?? 0) + 1
    }, this.signer)
    await this.log.append('record', { kind: agentCardKind.name, record: card.cid }, [card])
    this.remember(card)
    return card
  }

  /** Cards not yet expired, optionally only those of one agent or with one capability. */
  current (filter: { agent?: string, capability?: string } = {}): Array<SignedRecord<AgentCard>> {
    const now = this.clock.now()
    return [...this.cards.values()].filter((c) => c.value.expires > now &&
      (filter.agent === undefined || c.value.agent === filter.agent) &&
      (filter.capability === undefined || c.value.capabilities.includes(filter.capability)))
  }
}
