// Makes commitments enforceable: gossips the attestation of each commitment this org signs, turns
// the beneficiary's CONFIRM into a gossiped receipt, judges every consequence record that arrives,
// assembles verdicts from votes, and tells listeners what happened. The watchdog and the arbiter
// (disputes/) act through it.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { logger } from '@libp2p/logger'
import type { Clock } from '../clock.js'
import type { NodeConfig } from '../config.js'
import { isAspError } from '../errors.js'
import type { Gossip } from '../gossip/gossip.js'
import type { PublicRecords } from '../gossip/public-records.js'
import type { Log } from '../log/log.js'
import { parseCid, type CID } from '../records/codec.js'
import type { Signer } from '../records/ed25519.js'
import { signRecord, type SignedRecord } from '../records/record.js'
import { recordsIn } from '../log/records-in-log.js'
import { commitmentKind, type Commitment } from '../session/commitment-kind.js'
import type { SessionEvent, SessionManager } from '../session/manager.js'
import { disputeKind, type Claim, type Dispute } from '../disputes/dispute-kind.js'
import { buildVerdict } from '../disputes/verdict-kind.js'
import type { Vote, VerdictOutcome } from '../disputes/vote-kind.js'
import { attestationOf, type Attestation } from './attestation-kind.js'
import { ConsequenceBook, CONSEQUENCE_KINDS, type ConsequenceKind, type Judgement } from './book.js'
import { ConsequenceError } from './errors.js'
import { receiptKind, type Receipt } from './receipt-kind.js'
import { obligationStatus, type ObligationStatus } from './outcome.js'

const log = logger('asp:consequences')

const LOADED: ReadonlySet<string> = new Set([commitmentKind.name, ...CONSEQUENCE_KINDS])

export interface ConsequenceEvent {
  kind: ConsequenceKind
  record: SignedRecord<unknown>
}

export interface DisputeInput {
  commitment: string
  obligation: string
  claim: Claim
  statement?: string
  evidence?: string[]
}

export class Consequences {
  readonly book: ConsequenceBook
  private readonly listeners = new Set<(event: ConsequenceEvent) => void>()
  private readonly org: string
  /** Verdicts this node assembled (dispute/outcome), so a late vote does not make another variant. */
  private readonly assembled = new Set<string>()
  /** What the session events of this org still owe (attestations, receipts), done in order. */
  private afterSession: Promise<void> = Promise.resolve()

  constructor (
    private readonly log: Log,
    private readonly records: PublicRecords,
    private readonly gossip: Gossip,
    private readonly sessions: SessionManager,
    private readonly signer: Signer,
    private readonly config: NodeConfig,
    private readonly clock: Clock
  ) {
    this.org = log.author
    this.book = new ConsequenceBook(config.disputes.maxParked, () => clock.now(), config.disputes.maxSkewMs)
  }

  /** Indexes what the log holds. Records in the log were judged when they came; they are not judged again. */
  async load (): Promise<void> {
    for await (const { kind, record } of recordsIn(this.log, LOADED)) this.book.note(kind as ConsequenceKind | 'commitment', record)
  }

  /** Starts judging and listening; then makes up for a crash between a commitment or CONFIRM and what follows it. */
  async start (): Promise<void> {
    this.records.setJudge((kind, record) => this.judge(kind, record))
    this.records.onAccepted((kind, record) => {
      if ((CONSEQUENCE_KINDS as readonly string[]).includes(kind)) this.accepted(kind as ConsequenceKind, record)
    })
    this.sessions.onEvent((event) => { this.sessionEvent(event) })
    for (const commitment of this.book.commitments.values()) await this.afterCommitment(commitment)
  }

  onEvent (listener: (event: ConsequenceEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Releases the obligor of an obligation owed to this org (a signed waiver clears it, as a receipt does). */
  async waive (commitment: string, obligation: string, note?: string): Promise<SignedRecord<Receipt>> {
    await this.afterSession // a commitment just signed has its attestation first
    return this.receipt(commitment, obligation, 'waived', note)
  }

  /** Opens a dispute about an obligation owed to this org, by hand or from the watchdog. */
  async openDispute (input: DisputeInput): Promise<SignedRecord<Dispute>> {
    await this.afterSession // a commitment just signed has its attestation first
    const attestation = this.book.attestations.get(input.commitment)
    if (attestation === undefined) throw new ConsequenceError('CONSEQUENCE_UNKNOWN_COMMITMENT', `no attestation of commitment ${input.commitment}`)
    const o = this.book.obligation(input.commitment, input.obligation)
    if (o === undefined) throw new ConsequenceError('CONSEQUENCE_UNKNOWN_OBLIGATION', `no obligation ${input.obligation} in ${input.commitment}`)
    if (o.beneficiary !== this.org) throw new ConsequenceError('CONSEQUENCE_NOT_BENEFICIARY', 'only the beneficiary of an obligation disputes it')
    // One dispute per claim and obligation: opening it again gives the one already open.
    const open = this.disputeOf(input)
    if (open !== undefined) return open
    const own = this.book.commitments.get(input.commitment)
    const session = own !== undefined ? this.sessions.state(own.value.deal.session) : undefined
    const evidence = [attestation.cid, ...(own !== undefined ? [own.cid] : []), ...(session !== undefined ? [session.head] : []), ...(input.evidence ?? []).map((c) => this.cid(c))]
    const dispute = signRecord(disputeKind, {
      v: 1,
      commitment: this.cid(input.commitment),
      obligation: input.obligation,
      claimant: this.org,
      respondent: o.obligor,
      claim: input.claim,
      ...(input.statement !== undefined ? { statement: input.statement } : {}),
      evidence: evidence.slice(0, 64),
      openedAt: this.clock.now()
    }, this.signer)
    if (await this.publish('dispute', dispute)) return dispute
    // Opened meanwhile by another caller (the watchdog and a person at once): that one stands.
    const opened = this.disputeOf(input)
    return opened ?? dispute
  }

  /** The dispute held about this obligation with this claim, if any. */
  private disputeOf (input: DisputeInput): SignedRecord<Dispute> | undefined {
    return (this.book.disputesOf.get(`${input.commitment}/${input.obligation}`) ?? []).map((cid) => this.book.disputes.get(cid)).find((d) => d?.value.claim === input.claim)
  }

  /** Each obligation of a commitment and where it stands, from the records this node holds. */
  status (commitment: string): Array<{ id: string, obligor: string, beneficiary: string, dueBy: number, status: ObligationStatus }> | undefined {
    const attestation = this.book.attestations.get(commitment)
    if (attestation === undefined) return undefined
    return attestation.value.agreement.obligations.map((o) => ({ ...o, status: obligationStatus(this.book, commitment, o.id, this.clock.now()) }))
  }

  /** Stores a record this node made, then gossips it; returns false if it was held already. */
  async publish (kind: ConsequenceKind, record: SignedRecord<unknown>): Promise<boolean> {
    // The node's own records are judged like anyone's, so it never holds what the network ignores.
    const judged = this.book.judge(kind, record)
    if (judged.verdict === 'reject') throw new ConsequenceError('CONSEQUENCE_REFUSED', `this node would refuse its own ${kind}: ${judged.reason}`, { reason: judged.reason })
    if (judged.verdict === 'wait') throw new ConsequenceError('CONSEQUENCE_REFUSED', `this ${kind} rests on ${judged.on}, which this node does not hold`, { reason: 'waiting' })
    if (judged.verdict === 'ignore') return false
    if (!await this.records.accept(kind as never, record)) return false
    try {
      await this.gossip.publish(kind as never, record)
    } catch (err) {
      // Stored: peers fetch it through sync if gossip cannot reach them now.
      log('gossiping %s failed for now: %s', kind, (err as Error).message)
    }
    return true
  }

  private judge (kind: ConsequenceKind, record: SignedRecord<unknown>): Judgement {
    const judged = this.book.judge(kind, record)
    if (judged.verdict === 'wait') this.book.park(judged.on, { kind, record })
    return judged
  }

  private accepted (kind: ConsequenceKind, record: SignedRecord<unknown>): void {
    const parked = this.book.note(kind, record)
    for (const listener of this.listeners) listener({ kind, record })
    for (const p of parked) {
      const judged = this.book.judge(p.kind, p.record)
      if (judged.verdict === 'accept') this.records.accept(p.kind as never, p.record).catch((err: Error) => log.error('storing parked %s: %e', p.kind, err))
      else if (judged.verdict === 'wait') this.book.park(judged.on, p)
    }
    if (kind === 'vote') this.assemble((record.value as Vote).dispute.toString()).catch((err: Error) => log.error('assembling a verdict: %e', err))
  }

  /** An arbiter assembles a verdict once it holds a quorum of votes for one outcome. */
  private async assemble (dispute: string): Promise<void> {
    const d = this.book.disputes.get(dispute)
    const attestation = d !== undefined ? this.book.attestations.get(d.value.commitment.toString()) : undefined
    const votes = this.book.votes.get(dispute)
    if (d === undefined || attestation === undefined || votes === undefined) return
    const { agreement } = attestation.value
    // The arbiters assemble (each at most once per outcome); every node else takes the verdict from gossip.
    if (!agreement.arbiters.includes(this.org)) return
    for (const outcome of ['breach', 'dismissed'] as VerdictOutcome[]) {
      const forIt = [...votes.values()].filter((v) => v.value.outcome === outcome)
      const key = `${dispute}/${outcome}`
      if (forIt.length < agreement.quorum || this.book.verdicts.get(dispute)?.has(outcome) === true || this.assembled.has(key)) continue
      this.assembled.add(key)
      const verdict = buildVerdict(attestation, d, forIt.sort((a, b) => (a.value.arbiter < b.value.arbiter ? -1 : 1)).slice(0, agreement.quorum))
      log('verdict on %s: %s', dispute, outcome)
      await this.publish('verdict', verdict)
    }
  }

  /**
   * After both COMMITs and after each CONFIRM of ours: the attestation, then the receipts owed. One
   * at a time, in order, so a CONFIRM right after the COMMIT never races its attestation (its receipt
   * is judged against it) and no receipt is signed twice.
   */
  private sessionEvent (event: SessionEvent): void {
    const commits = event.message.type === 'COMMIT' && event.state.phase === 'committed'
    const confirms = event.message.type === 'CONFIRM' && event.direction === 'out'
    if (!commits && !confirms) return
    this.afterSession = this.afterSession.then(async () => {
      // After the message's acknowledgement has gone out, not before it.
      await nextTurn()
      const commitment = this.sessions.commitment(event.session)
      if (commitment !== undefined) await this.afterCommitment(commitment as SignedRecord<Commitment>)
    }).catch((err: Error) => log.error('after %s: %e', event.message.type, err))
  }

  /** The attestation of a commitment of ours, and the receipts its CONFIRMs owe, once each. */
  private async afterCommitment (commitment: SignedRecord<Commitment>): Promise<void> {
    this.book.note('commitment', commitment)
    const attestation: SignedRecord<Attestation> = attestationOf(commitment.value)
    if (await this.log.getBlock(attestation.cid) === undefined) await this.publish('attestation', attestation)
    const state = this.sessions.state(commitment.value.deal.session)
    const id = state?.agreement?.cid.toString()
    for (const obligation of state?.confirmed ?? []) {
      if (id !== undefined && !this.book.receipts.has(`${id}/${obligation}`) && this.book.obligation(id, obligation)?.beneficiary === this.org) await this.receipt(id, obligation, 'met')
    }
  }

  private async receipt (commitment: string, obligation: string, outcome: 'met' | 'waived', note?: string): Promise<SignedRecord<Receipt>> {
    const o = this.book.obligation(commitment, obligation)
    if (o === undefined) throw new ConsequenceError('CONSEQUENCE_UNKNOWN_OBLIGATION', `no obligation ${obligation} in ${commitment}`)
    if (o.beneficiary !== this.org) throw new ConsequenceError('CONSEQUENCE_NOT_BENEFICIARY', 'only the beneficiary of an obligation signs its receipt')
    const held = this.book.receipts.get(`${commitment}/${obligation}`)
    if (held !== undefined) return held
    const receipt = signRecord(receiptKind, {
      v: 1,
      commitment: this.cid(commitment),
      obligation,
      obligor: o.obligor,
      beneficiary: this.org,
      outcome,
      at: this.clock.now(),
      ...(note !== undefined ? { note } : {})
    }, this.signer)
    await this.publish('receipt', receipt)
    return receipt
  }

  private cid (text: string): CID {
    try {
      return parseCid(text)
    } catch (err) {
      throw new ConsequenceError('CONSEQUENCE_INPUT_INVALID', `not a CID: ${text}`, {}, { cause: isAspError(err) ? err : undefined })
    }
  }
}
