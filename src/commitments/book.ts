// What this node knows of commitments and their consequences: attestations, receipts, disputes,
// votes and verdicts (all public), and the commitments this org is party to (private). It judges
// each public record against what it already holds (is the receipt's signer the obligation's
// beneficiary? is the voter an arbiter of the commitment?) and parks, bounded, a record whose
// attestation or dispute has not arrived yet, judging it again when that arrives.
import type { SignedRecord } from '../records/record.js'
import type { Commitment } from '../session/commitment-kind.js'
import type { PublicObligation } from '../session/agreement.js'
import type { Dispute } from '../disputes/dispute-kind.js'
import type { Vote } from '../disputes/vote-kind.js'
import { readVerdict, type ReadVerdict, type Verdict } from '../disputes/verdict-kind.js'
import { commitmentIdOf, type Attestation } from './attestation-kind.js'
import type { Receipt } from './receipt-kind.js'

export const CONSEQUENCE_KINDS = ['attestation', 'receipt', 'dispute', 'vote', 'verdict'] as const
export type ConsequenceKind = typeof CONSEQUENCE_KINDS[number]

export type Judgement =
  | { verdict: 'accept' }
  | { verdict: 'ignore', reason: string }
  | { verdict: 'reject', reason: string }
  /** Judged again once the named attestation or dispute is held. */
  | { verdict: 'wait', on: string }

const ACCEPT: Judgement = { verdict: 'accept' }
const reject = (reason: string): Judgement => ({ verdict: 'reject', reason })
const ignore = (reason: string): Judgement => ({ verdict: 'ignore', reason })

export interface Parked { kind: ConsequenceKind, record: SignedRecord<unknown> }

export class ConsequenceBook {
  readonly attestations = new Map<string, SignedRecord<Attestation>>()
  /** Commitment ids by beneficiary org: what the watchdog of that org looks at. */
  readonly owedTo = new Map<string, Set<string>>()
  /** Our own commitments (with their private terms), by commitment id. */
  readonly commitments = new Map<string, SignedRecord<Commitment>>()
  /** Receipts by `commitment/obligation`; the first one held counts. */
  readonly receipts = new Map<string, SignedRecord<Receipt>>()
  readonly disputes = new Map<string, SignedRecord<Dispute>>()
  /** Dispute CIDs by `commitment/obligation`. */
  readonly disputesOf = new Map<string, string[]>()
  /** Votes by dispute CID, one per arbiter. */
  readonly votes = new Map<string, Map<string, SignedRecord<Vote>>>()
  /** Verdicts by dispute CID, one per outcome (two only if arbiters contradict each other). */
  readonly verdicts = new Map<string, Map<string, { record: SignedRecord<Verdict>, read: ReadVerdict }>>()
  private readonly parked = new Map<string, Parked[]>()
  private parkedCount = 0

  constructor (private readonly maxParked: number, private readonly now: () => number, private readonly maxSkewMs: number) {}

  obligation (commitment: string, id: string): PublicObligation | undefined {
    return this.attestations.get(commitment)?.value.agreement.obligations.find((o) => o.id === id)
  }

  judge (kind: ConsequenceKind, record: SignedRecord<unknown>): Judgement {
    switch (kind) {
      case 'attestation': return ACCEPT
      case 'receipt': return this.judgeReceipt(record.value as Receipt)
      case 'dispute': return this.judgeDispute(record.value as Dispute)
      case 'vote': return this.judgeVote(record.value as Vote)
      case 'verdict': return this.judgeVerdict(record as SignedRecord<Verdict>)
    }
  }

  private judgeReceipt (r: Receipt): Judgement {
    const commitment = r.commitment.toString()
    if (!this.attestations.has(commitment)) return { verdict: 'wait', on: commitment }
    const o = this.obligation(commitment, r.obligation)
    if (o === undefined) return reject('RECEIPT_UNKNOWN_OBLIGATION')
    if (o.beneficiary !== r.beneficiary || o.obligor !== r.obligor) return reject('RECEIPT_NOT_BENEFICIARY')
    if (r.at > this.now() + this.maxSkewMs) return reject('RECEIPT_FROM_THE_FUTURE')
    if (this.receipts.has(`${commitment}/${r.obligation}`)) return ignore('receipted already')
    return ACCEPT
  }

  private judgeDispute (d: Dispute): Judgement {
    const commitment = d.commitment.toString()
    if (!this.attestations.has(commitment)) return { verdict: 'wait', on: commitment }
    const o = this.obligation(commitment, d.obligation)
    if (o === undefined) return reject('DISPUTE_UNKNOWN_OBLIGATION')
    if (o.beneficiary !== d.claimant || o.obligor !== d.respondent) return reject('DISPUTE_NOT_BENEFICIARY')
    if (d.openedAt > this.now() + this.maxSkewMs) return reject('DISPUTE_FROM_THE_FUTURE')
    if (d.claim === 'missed-deadline' && d.openedAt <= o.dueBy) return reject('DISPUTE_PREMATURE')
    const same = (this.disputesOf.get(`${commitment}/${d.obligation}`) ?? []).some((cid) => this.disputes.get(cid)?.value.claim === d.claim)
    if (same) return ignore('disputed already')
    return ACCEPT
  }

  private judgeVote (v: Vote): Judgement {
    const dispute = this.disputes.get(v.dispute.toString())
    if (dispute === undefined) return { verdict: 'wait', on: v.dispute.toString() }
    const attestation = this.attestations.get(dispute.value.commitment.toString())
    if (attestation === undefined) return { verdict: 'wait', on: dispute.value.commitment.toString() }
    if (!v.commitment.equals(dispute.value.commitment) || v.obligation !== dispute.value.obligation) return reject('VOTE_WRONG_DISPUTE')
    if (!attestation.value.agreement.arbiters.includes(v.arbiter)) return reject('VOTE_NOT_ARBITER')
    if (v.at > this.now() + this.maxSkewMs) return reject('VOTE_FROM_THE_FUTURE')
    if (this.votes.get(v.dispute.toString())?.has(v.arbiter) === true) return ignore('voted already')
    return ACCEPT
  }

  private judgeVerdict (record: SignedRecord<Verdict>): Judgement {
    // The records layer has verified every record inside and the quorum (verdict-kind.ts).
    const dispute = readVerdict(record.value).dispute.cid.toString()
    if (this.verdicts.get(dispute)?.has(record.value.outcome) === true) return ignore('ruled already')
    return ACCEPT
  }

  /** Indexes a record that was accepted and stored. Returns the records parked on it. */
  note (kind: ConsequenceKind | 'commitment', record: SignedRecord<unknown>): Parked[] {
    switch (kind) {
      case 'commitment': {
        const c = record as SignedRecord<Commitment>
        this.commitments.set(commitmentIdOf(c.value).toString(), c)
        return []
      }
      case 'attestation': {
        const id = commitmentIdOf((record as SignedRecord<Attestation>).value).toString()
        if (!this.attestations.has(id)) {
          this.attestations.set(id, record as SignedRecord<Attestation>)
          for (const o of (record as SignedRecord<Attestation>).value.agreement.obligations) {
            let owed = this.owedTo.get(o.beneficiary)
            if (owed === undefined) this.owedTo.set(o.beneficiary, owed = new Set())
            owed.add(id)
          }
        }
        return this.unpark(id)
      }
      case 'receipt': {
        const r = record.value as Receipt
        const key = `${r.commitment.toString()}/${r.obligation}`
        if (!this.receipts.has(key)) this.receipts.set(key, record as SignedRecord<Receipt>)
        return []
      }
      case 'dispute': {
        const d = record.value as Dispute
        const cid = record.cid.toString()
        this.disputes.set(cid, record as SignedRecord<Dispute>)
        const key = `${d.commitment.toString()}/${d.obligation}`
        this.disputesOf.set(key, [...(this.disputesOf.get(key) ?? []), cid])
        return this.unpark(cid)
      }
      case 'vote': {
        const v = record.value as Vote
        let votes = this.votes.get(v.dispute.toString())
        if (votes === undefined) this.votes.set(v.dispute.toString(), votes = new Map())
        if (!votes.has(v.arbiter)) votes.set(v.arbiter, record as SignedRecord<Vote>)
        return []
      }
      case 'verdict': {
        const read = readVerdict((record as SignedRecord<Verdict>).value)
        const dispute = read.dispute.cid.toString()
        // A verdict carries its attestation and dispute, verified: it stands even where they were not received alone.
        const parked = [...this.note('attestation', read.attestation), ...(this.disputes.has(dispute) ? [] : this.note('dispute', read.dispute))]
        let verdicts = this.verdicts.get(dispute)
        if (verdicts === undefined) this.verdicts.set(dispute, verdicts = new Map())
        if (!verdicts.has(read.outcome)) verdicts.set(read.outcome, { record: record as SignedRecord<Verdict>, read })
        return parked
      }
    }
  }

  /** Holds a record until `on` arrives; the oldest waiting records go when the lot is full. */
  park (on: string, parked: Parked): void {
    if (this.parked.get(on)?.some((p) => p.record.cid.equals(parked.record.cid)) === true) return
    if (this.maxParked === 0) return
    while (this.parkedCount >= this.maxParked) {
      const [oldest, list] = this.parked.entries().next().value as [string, Parked[]]
      list.shift()
      this.parkedCount--
      if (list.length === 0) this.parked.delete(oldest)
    }
    const list = this.parked.get(on) ?? []
    list.push(parked)
    this.parked.set(on, list)
    this.parkedCount++
  }

  private unpark (on: string): Parked[] {
    const list = this.parked.get(on)
    if (list === undefined) return []
    this.parked.delete(on)
    this.parkedCount -= list.length
    return list
  }

  get parkedSize (): number {
    return this.parkedCount
  }
}
