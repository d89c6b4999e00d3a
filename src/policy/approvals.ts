// Approvals: a question to the org's humans, decided by a quorum of distinct approvers (one refusal
// refuses), each decision a record in the log, so that the list survives a restart. Generic: a
// subject kind ("session" for held session messages, later "vote" for arbiters) registers a handler
// that carries out the final decision with the approval's payload (protocols/policy.md §6).
import { logger } from '@libp2p/logger'
import type { Clock } from '../clock.js'
import { isAspError } from '../errors.js'
import type { Log } from '../log/log.js'
import type { CID } from '../records/codec.js'
import type { Signer } from '../records/ed25519.js'
import { signRecord } from '../records/record.js'
import { ApprovalError } from './errors.js'
import { approvalKind, decisionKind, type ApprovalRecord, type DecisionRecord } from './records.js'

const trace = logger('asp:policy:approvals')

export type ApprovalStatus = 'pending' | 'approved' | 'refused'

export interface ApprovalView {
  id: string
  subject: { kind: string, id: string }
  summary: string
  facts: Record<string, string>
  quorum: number
  approvers: string[] | null
  createdAt: number
  status: ApprovalStatus
  decisions: Array<{ approver: string, decision: 'approve' | 'refuse', note?: string, at: number }>
  /** What carrying out the final decision gave, in this run of the node (not logged). */
  outcome?: { ok: true } | { ok: false, code: string, message: string }
}

export interface ApprovalRequest {
  subject: { kind: string, id: string }
  summary: string
  facts?: Record<string, string>
  quorum: number
  approvers?: string[]
  payload: unknown
}

export interface ApprovalHandler {
  /** Carries out a final decision (view.status is approved or refused). A throw becomes the outcome. */
  decided(view: ApprovalView, payload: unknown): Promise<void>
  /** After a restart: false if a final decision was not carried out yet (it is then carried out again). */
  settled?(view: ApprovalView, payload: unknown): boolean
}

interface Entry {
  cid: CID
  record: ApprovalRecord
  decisions: DecisionRecord[]
  outcome?: ApprovalView['outcome']
}

export class Approvals {
  private readonly entries = new Map<string, Entry>()
  private readonly handlers = new Map<string, ApprovalHandler>()
  private readonly listeners = new Set<(view: ApprovalView) => void>()
  private readonly locks = new Map<string, Promise<unknown>>()

  constructor (private readonly log: Log, private readonly signer: Signer, private readonly clock: Clock) {}

  /** The handler of one subject kind; register it before approvals of that kind are decided. */
  handle (kind: string, handler: ApprovalHandler): void {
    this.handlers.set(kind, handler)
  }

  /** Called with every approval created or decided. */
  onChange (listener: (view: ApprovalView) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Notes an approval or decision record met while the log is read at start. */
  ingest (record: { kind: 'approval', value: ApprovalRecord, cid: CID } | { kind: 'approval-decision', value: DecisionRecord }): void {
    if (record.kind === 'approval') {
      this.entries.set(record.cid.toString(), { cid: record.cid, record: record.value, decisions: [] })
      return
    }
    const entry = this.entries.get(record.value.approval.toString())
    if (entry !== undefined && statusOf(entry) === 'pending') entry.decisions.push(record.value)
  }

  /** Records a new approval and returns it, pending. */
  async request (input: ApprovalRequest): Promise<ApprovalView> {
    const record = signRecord(approvalKind, {
      v: 1,
      org: this.log.author,
      subject: input.subject,
      summary: input.summary,
      facts: input.facts ?? {},
      quorum: input.quorum,
      approvers: input.approvers ?? null,
      payload: input.payload,
      ts: this.clock.now()
    }, this.signer)
    await this.log.append('record', { kind: approvalKind.name, record: record.cid }, [record])
    const entry: Entry = { cid: record.cid, record: record.value, decisions: [] }
    this.entries.set(record.cid.toString(), entry)
    trace('approval %s asked: %s', record.cid, input.summary)
    return this.changed(entry)
  }

  /**
   * One approver's decision, recorded in the log. When it settles the approval (the quorum of
   * distinct approvals, or a refusal), the subject's handler carries it out before this resolves.
   */
  async decide (id: string, approver: string, decision: 'approve' | 'refuse', note?: string): Promise<ApprovalView> {
    return this.withLock(id, async () => {
      const entry = this.entries.get(id)
      if (entry === undefined) throw new ApprovalError('APPROVAL_NOT_FOUND', `no approval ${id}`, { id })
      if (statusOf(entry) !== 'pending') throw new ApprovalError('APPROVAL_CLOSED', `approval ${id} is ${statusOf(entry)} already`, { id })
      const allowed = entry.record.approvers
      if (allowed !== null && !allowed.includes(approver)) throw new ApprovalError('APPROVAL_NOT_APPROVER', `${approver} is not one of the approvers of ${id}`, { id, approver })
      if (entry.decisions.some((d) => d.approver === approver)) throw new ApprovalError('APPROVAL_DUPLICATE_APPROVER', `${approver} has decided ${id} already`, { id, approver })
      const record = signRecord(decisionKind, {
        v: 1,
        org: this.log.author,
        approval: entry.cid,
        approver,
        decision,
        ...(note !== undefined ? { note } : {}),
        ts: this.clock.now()
      }, this.signer)
      await this.log.append('record', { kind: decisionKind.name, record: record.cid }, [record])
      entry.decisions.push(record.value)
      trace('approval %s: %s by %s, now %s', id, decision, approver, statusOf(entry))
      if (statusOf(entry) !== 'pending') await this.carryOut(entry)
      return this.changed(entry)
    })
  }

  get (id: string): ApprovalView | undefined {
    const entry = this.entries.get(id)
    return entry === undefined ? undefined : viewOf(entry)
  }

  payloadOf (id: string): unknown {
    return this.entries.get(id)?.record.payload
  }

  /** Every approval, oldest first; only those of `status` when given. */
  list (status?: ApprovalStatus): ApprovalView[] {
    return [...this.entries.values()].map(viewOf).filter((v) => status === undefined || v.status === status)
  }

  /** The approvals of one subject, oldest first. */
  forSubject (kind: string, id: string): ApprovalView[] {
    return [...this.entries.values()].filter((e) => e.record.subject.kind === kind && e.record.subject.id === id).map(viewOf)
  }

  /**
   * After a restart: carries out again each subject's latest final decision that its handler says
   * was not carried out (the node stopped between the deciding record and the action).
   */
  async resume (): Promise<void> {
    const latest = new Map<string, Entry>()
    for (const entry of this.entries.values()) latest.set(`${entry.record.subject.kind}\0${entry.record.subject.id}`, entry)
    for (const entry of latest.values()) {
      const handler = this.handlers.get(entry.record.subject.kind)
      if (statusOf(entry) === 'pending' || handler?.settled === undefined || handler.settled(viewOf(entry), entry.record.payload)) continue
      await this.withLock(entry.cid.toString(), async () => this.carryOut(entry))
      this.changed(entry)
    }
  }

  private async carryOut (entry: Entry): Promise<void> {
    const handler = this.handlers.get(entry.record.subject.kind)
    if (handler === undefined) {
      entry.outcome = { ok: false, code: 'APPROVAL_NO_HANDLER', message: `nothing on this node carries out approvals of ${entry.record.subject.kind}` }
      return
    }
    try {
      await handler.decided(viewOf(entry), entry.record.payload)
      entry.outcome = { ok: true }
    } catch (err) {
      entry.outcome = { ok: false, code: isAspError(err) ? err.code : 'INTERNAL', message: (err as Error).message }
      trace('carrying out approval %s failed: %s', entry.cid, (err as Error).message)
    }
  }

  private changed (entry: Entry): ApprovalView {
    const view = viewOf(entry)
    for (const listener of this.listeners) listener(view)
    return view
  }

  /** One decision at a time per approval, so that two approvers cannot both complete the quorum. */
  private async withLock<T> (id: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve()
    const run = previous.then(task, task)
    const settled = run.then(() => {}, () => {})
    this.locks.set(id, settled)
    try {
      return await run
    } finally {
      if (this.locks.get(id) === settled) this.locks.delete(id)
    }
  }
}

function statusOf (entry: Entry): ApprovalStatus {
  if (entry.decisions.some((d) => d.decision === 'refuse')) return 'refused'
  const approvers = new Set(entry.decisions.filter((d) => d.decision === 'approve').map((d) => d.approver))
  return approvers.size >= entry.record.quorum ? 'approved' : 'pending'
}

function viewOf (entry: Entry): ApprovalView {
  const r = entry.record
  return {
    id: entry.cid.toString(),
    subject: { ...r.subject },
    summary: r.summary,
    facts: { ...r.facts },
    quorum: r.quorum,
    approvers: r.approvers === null ? null : [...r.approvers],
    createdAt: r.ts,
    status: statusOf(entry),
    decisions: entry.decisions.map((d) => ({ approver: d.approver, decision: d.decision, ...(d.note !== undefined ? { note: d.note } : {}), at: d.ts })),
    ...(entry.outcome !== undefined ? { outcome: entry.outcome } : {})
  }
}
