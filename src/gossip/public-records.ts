// The public records this node knows: records gossiped on the network (agent cards, fork proofs,
// attestations, receipts, disputes, votes, verdicts), each stored in the log once.
// Gossip and catch-up sync both go through check() and accept(), so a record is judged the same
// way whichever path it came by.
import { logger } from '@libp2p/logger'
import type { Clock } from '../clock.js'
import { isAspError } from '../errors.js'
import type { Log } from '../log/log.js'
import { cidOf, type CID } from '../records/codec.js'
import { agentCardKind, forkProofKind, recordKind, type AgentCard } from '../records/kinds/index.js'
import type { RecordKind } from '../records/kind.js'
import { decodeRecord, decodeRecordOffThread, type SignedRecord } from '../records/record.js'
import { VerifiedSignatures } from '../records/verify-memo.js'
import { CONSEQUENCE_KINDS, type ConsequenceKind, type Judgement } from '../commitments/book.js'

const log = logger('asp:gossip:records')

/** Record kinds that travel by gossip and sync, and are stored in the log when accepted. */
export const PUBLIC_KINDS = [agentCardKind.name, forkProofKind.name, ...CONSEQUENCE_KINDS] as const
export type PublicKind = typeof PUBLIC_KINDS[number]

export function isPublicKind (kind: string): kind is PublicKind {
  return (PUBLIC_KINDS as readonly string[]).includes(kind)
}

/** accept: valid and new; ignore: valid but nothing new (duplicate, stale, expired); reject: invalid. */
export type Verdict =
  | { verdict: 'accept', record: SignedRecord<unknown> }
  | { verdict: 'ignore', reason: string }
  | { verdict: 'reject', reason: string }

export class PublicRecords {
  /** Latest known card seq per org and agent, so an older card is never taken for news. */
  private readonly cardSeq = new Map<string, number>()
  private readonly storing = new Map<string, Promise<boolean>>()
  private readonly listeners = new Set<(kind: PublicKind, record: SignedRecord<unknown>) => void>()
  /** Judges records of the consequence kinds against what the node already holds (commitments/). */
  private judge: ((kind: ConsequenceKind, record: SignedRecord<unknown>) => Judgement) | undefined

  constructor (
    private readonly log: Log,
    private readonly clock: Clock,
    /** The node's remembered signatures: an attestation carries the COMMIT signatures its parties checked already. */
    private readonly signatures = new VerifiedSignatures()
  ) {}

  /** Rebuilds the indexes from the log. */
  async load (): Promise<void> {
    for await (const entry of this.log.entries()) {
      const body = entry.value.body as { kind?: string, record?: CID }
      if (entry.value.kind !== 'record' || body.kind !== agentCardKind.name || body.record === undefined) continue
      const bytes = await this.log.getBlock(body.record)
      if (bytes !== undefined) this.noteCard(decodeRecord(agentCardKind, bytes, { skipSignatures: true }).value)
    }
  }

  onAccepted (listener: (kind: PublicKind, record: SignedRecord<unknown>) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  setJudge (judge: (kind: ConsequenceKind, record: SignedRecord<unknown>) => Judgement): void {
    this.judge = judge
  }

  async check (kind: string, bytes: Uint8Array): Promise<Verdict> {
    if (!isPublicKind(kind)) return { verdict: 'reject', reason: `${kind} is not a public record kind` }
    const recordKindOf = recordKind(kind) as RecordKind<unknown>
    // A copy of a record already held costs one hash, not a full check (oversized bytes get no hash).
    if (bytes.length <= recordKindOf.maxBytes && await this.log.getBlock(cidOf(bytes)) !== undefined) return { verdict: 'ignore', reason: 'duplicate' }
    let record: SignedRecord<unknown>
    try {
      // Signatures are checked on the thread pool: a gossip validator has no answer to hurry.
      record = await decodeRecordOffThread(recordKindOf, bytes, this.signatures.verifyOffThread)
    } catch (err) {
      return { verdict: 'reject', reason: isAspError(err) ? err.code : (err as Error).message }
    }
    if (kind === 'agent-card') {
      const card = record.value as AgentCard
      if (card.expires <= this.clock.now()) return { verdict: 'ignore', reason: 'expired' }
      if ((this.cardSeq.get(`${card.org}/${card.agent}`) ?? 0) >= card.seq) return { verdict: 'ignore', reason: 'stale' }
    }
    if (this.judge !== undefined && (CONSEQUENCE_KINDS as readonly string[]).includes(kind)) {
      const judged = this.judge(kind as ConsequenceKind, record)
      if (judged.verdict === 'reject' || judged.verdict === 'ignore') return judged
      // The judge parked it; it is accepted when what it rests on arrives.
      if (judged.verdict === 'wait') return { verdict: 'ignore', reason: `waiting for ${judged.on}` }
    }
    return { verdict: 'accept', record }
  }

  /** Stores an accepted record in the log, once, however many paths deliver it. True if it was new. */
  async accept (kind: PublicKind, record: SignedRecord<unknown>): Promise<boolean> {
    const key = record.cid.toString()
    let pending = this.storing.get(key)
    if (pending === undefined) {
      pending = this.store(kind, record).finally(() => this.storing.delete(key))
      this.storing.set(key, pending)
    }
    return pending
  }

  private async store (kind: PublicKind, record: SignedRecord<unknown>): Promise<boolean> {
    if (await this.log.getBlock(record.cid) !== undefined) return false
    await this.log.append('record', { kind, record: record.cid }, [record])
    if (kind === 'agent-card') this.noteCard(record.value as AgentCard)
    log('stored %s %s', kind, record.cid)
    for (const listener of this.listeners) listener(kind, record)
    return true
  }

  private noteCard (card: AgentCard): void {
    const key = `${card.org}/${card.agent}`
    if ((this.cardSeq.get(key) ?? 0) < card.seq) this.cardSeq.set(key, card.seq)
  }
}
