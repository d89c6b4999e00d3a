// Turns the consequence and approval records in the node's log into events: an attestation gives
// commitment.attested, a receipt (or waiver) obligation.confirmed, a dispute dispute.opened, a
// verdict dispute.ruled, an approval approval.needed, an approval decision approval.decided.
// Only records that concern this org (a party, or an arbiter of the commitment) give events; they
// go to the agents of the commitment's or approval's session, and to the operator.
//
// The log is the source, read in order from a checkpoint that is written in the same batch as the
// events it gave, as the session events do: a record becomes its events exactly once, live or, after
// a crash between the log write and the journal write, at the next start. The live triggers
// (consequences.onEvent, approvals.onChange) only say "read the log again".
import { logger } from '@libp2p/logger'
import { attestationKind, commitmentIdOf } from '../commitments/attestation-kind.js'
import { receiptKind } from '../commitments/receipt-kind.js'
import { disputeKind } from '../disputes/dispute-kind.js'
import { readVerdict, verdictKind } from '../disputes/verdict-kind.js'
import type { AspNode } from '../node.js'
import { SESSION_SUBJECT, type HeldMessage } from '../policy/session-approvals.js'
import { approvalKind, decisionKind } from '../policy/records.js'
import type { CID } from '../records/codec.js'
import { decodeRecord } from '../records/record.js'
import { agentsOfCommitment, sessionOfCommitment } from './consequence-view.js'
import type { EventJournal, NewEvent } from './event-journal.js'
import { ourAgents } from './session-view.js'
import type { ApiStore } from './store.js'

const trace = logger('asp:api:record-events')

/** The meta key of the last log seq read. */
const CHECKPOINT = 'recordCheckpoint'
/** Log entries read per journal batch. */
const CHUNK = 256

const KINDS: ReadonlySet<string> = new Set([attestationKind.name, receiptKind.name, disputeKind.name, verdictKind.name, approvalKind.name, decisionKind.name])

export class RecordEvents {
  private queue: Promise<void> = Promise.resolve()
  private queued = false
  private unsubscribe: Array<() => void> = []

  constructor (private readonly node: AspNode, private readonly journal: EventJournal, private readonly store: ApiStore) {}

  /** Catches up with the log, then follows it. A fresh journal starts from the log's head. */
  async start (): Promise<void> {
    this.unsubscribe = [
      this.node.consequences.onEvent(() => this.poke()),
      this.node.guardrails.approvals.onChange(() => this.poke())
    ]
    this.poke()
    await this.queue
  }

  async stop (): Promise<void> {
    for (const u of this.unsubscribe) u()
    await this.queue
  }

  /** Reads the log again soon; pokes while a read is queued are one read. */
  private poke (): void {
    if (this.queued) return
    this.queued = true
    this.queue = this.queue.then(async () => {
      this.queued = false
      await this.catchUp()
    }).catch((err: Error) => trace.error('record events failed: %s', err.message))
  }

  private async catchUp (): Promise<void> {
    const { log } = this.node
    const head = log.head().seq
    const checkpoint = await this.store.meta.get(CHECKPOINT) as number | undefined
    if (checkpoint === undefined) {
      await this.store.meta.put(CHECKPOINT, head)
      return
    }
    for (let from = checkpoint + 1; from <= head; from += CHUNK) {
      const to = Math.min(head, from + CHUNK - 1)
      const events: NewEvent[] = []
      for await (const entry of log.entries(from, to)) {
        const body = entry.value.body as { kind?: string, record?: CID }
        if (entry.value.kind !== 'record' || body.kind === undefined || body.record === undefined || !KINDS.has(body.kind)) continue
        const bytes = await log.getBlock(body.record)
        if (bytes === undefined) continue
        try {
          events.push(...this.eventsOf(body.kind, bytes))
        } catch (err) {
          // A record the node stored was checked then: this is a bug, not bad input. Skip it, say so.
          trace.error('no events from %s %s: %s', body.kind, body.record, (err as Error).message)
        }
      }
      await this.journal.append(events, [this.store.meta.putOp(CHECKPOINT, to)])
    }
  }

  private eventsOf (kind: string, bytes: Uint8Array): NewEvent[] {
    const org = this.node.key.orgId
    const { book } = this.node.consequences
    const arbiterOf = (commitment: string): boolean => book.attestations.get(commitment)?.value.agreement.arbiters.includes(org) === true
    switch (kind) {
      case attestationKind.name: {
        const record = decodeRecord(attestationKind, bytes, { skipSignatures: true })
        const { parties, obligations, arbiters, quorum } = record.value.agreement
        const party = parties.initiator === org || parties.responder === org
        if (!party && !arbiters.includes(org)) return []
        const commitment = commitmentIdOf(record.value).toString()
        return [{
          type: 'commitment.attested',
          agents: party ? agentsOfCommitment(this.node, commitment) : [],
          data: { commitment, attestation: record.cid.toString(), session: sessionOfCommitment(this.node, commitment), parties, obligations, arbiters, quorum }
        }]
      }
      case receiptKind.name: {
        const record = decodeRecord(receiptKind, bytes, { skipSignatures: true })
        const r = record.value
        if (r.obligor !== org && r.beneficiary !== org) return []
        const commitment = r.commitment.toString()
        return [{
          type: 'obligation.confirmed',
          agents: agentsOfCommitment(this.node, commitment),
          data: { commitment, obligation: r.obligation, outcome: r.outcome, receipt: record.cid.toString(), obligor: r.obligor, beneficiary: r.beneficiary, at: r.at, ...(r.note !== undefined ? { note: r.note } : {}), session: sessionOfCommitment(this.node, commitment) }
        }]
      }
      case disputeKind.name: {
        const record = decodeRecord(disputeKind, bytes, { skipSignatures: true })
        const d = record.value
        const commitment = d.commitment.toString()
        const party = d.claimant === org || d.respondent === org
        if (!party && !arbiterOf(commitment)) return []
        return [{
          type: 'dispute.opened',
          agents: party ? agentsOfCommitment(this.node, commitment) : [],
          data: { dispute: record.cid.toString(), commitment, obligation: d.obligation, claim: d.claim, claimant: d.claimant, respondent: d.respondent, ...(d.statement !== undefined ? { statement: d.statement } : {}), openedAt: d.openedAt, session: sessionOfCommitment(this.node, commitment) }
        }]
      }
      case verdictKind.name: {
        const record = decodeRecord(verdictKind, bytes, { skipSignatures: true })
        const read = readVerdict(record.value)
        const d = read.dispute.value
        const commitment = d.commitment.toString()
        const party = d.claimant === org || d.respondent === org
        if (!party && !read.attestation.value.agreement.arbiters.includes(org)) return []
        return [{
          type: 'dispute.ruled',
          agents: party ? agentsOfCommitment(this.node, commitment) : [],
          data: { dispute: read.dispute.cid.toString(), verdict: record.cid.toString(), outcome: read.outcome, commitment, obligation: d.obligation, claimant: d.claimant, respondent: d.respondent, at: read.at, session: sessionOfCommitment(this.node, commitment) }
        }]
      }
      case approvalKind.name: {
        const record = decodeRecord(approvalKind, bytes, { skipSignatures: true })
        const a = record.value
        return [{
          type: 'approval.needed',
          agents: this.approvalAgents(a.subject, a.payload),
          data: { approval: record.cid.toString(), subject: a.subject, summary: a.summary, facts: a.facts, quorum: a.quorum, approvers: a.approvers, createdAt: a.ts, session: a.subject.kind === SESSION_SUBJECT ? a.subject.id : null }
        }]
      }
      case decisionKind.name: {
        const d = decodeRecord(decisionKind, bytes, { skipSignatures: true }).value
        const approval = d.approval.toString()
        const view = this.node.guardrails.approvals.get(approval)
        // The decisions the approval counts, in order; a decision it does not count (after it closed) gives no event.
        const upTo = view?.decisions.findIndex((x) => x.approver === d.approver && x.at === d.ts) ?? -1
        if (view === undefined || upTo < 0) return []
        const counted = view.decisions.slice(0, upTo + 1)
        const approvers = new Set(counted.filter((x) => x.decision === 'approve').map((x) => x.approver))
        const status = counted.some((x) => x.decision === 'refuse') ? 'refused' : approvers.size >= view.quorum ? 'approved' : 'pending'
        return [{
          type: 'approval.decided',
          agents: this.approvalAgents(view.subject, this.node.guardrails.approvals.payloadOf(approval)),
          data: { approval, approver: d.approver, decision: d.decision, ...(d.note !== undefined ? { note: d.note } : {}), at: d.ts, status, approvals: approvers.size, quorum: view.quorum, subject: view.subject, session: view.subject.kind === SESSION_SUBJECT ? view.subject.id : null }
        }]
      }
      default:
        return []
    }
  }

  /** A session approval concerns the agent whose message is held and the session's agents; others the operator only. */
  private approvalAgents (subject: { kind: string, id: string }, payload: unknown): string[] {
    if (subject.kind !== SESSION_SUBJECT) return []
    const state = this.node.sessions.state(subject.id)
    const held = (payload as Partial<HeldMessage> | null | undefined)?.agent
    return [...new Set([...(state !== undefined ? ourAgents(state, this.node.key.orgId) : []), ...(typeof held === 'string' ? [held] : [])])]
  }
}
