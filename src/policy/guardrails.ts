// Guardrails of one node: the operator's policies, the approvals and the ledger of deals, wired to
// the session layer. open() reads policies.json (a bad file stops the node before anything runs),
// attach() puts the guard in front of the session manager, start() rebuilds what the log holds.
import * as dagCbor from '@ipld/dag-cbor'
import { logger } from '@libp2p/logger'
import type { Clock } from '../clock.js'
import type { Log } from '../log/log.js'
import type { Signer } from '../records/ed25519.js'
import { decodeRecord } from '../records/record.js'
import { ReputationView } from '../reputation/view.js'
import { commitmentKind } from '../session/commitment-kind.js'
import type { SessionEvent, SessionManager } from '../session/manager.js'
import { sessionMessageKind, type SessionMessage } from '../session/message-kind.js'
import { Approvals } from './approvals.js'
import { PolicyGuard } from './guard.js'
import { DAY_MS, DealLedger } from './ledger.js'
import { approvalKind, decisionKind, policyChangeKind } from './records.js'
import { scoresFrom, type ScoreSource } from './reputation.js'
import { SESSION_SUBJECT, sessionApprovals } from './session-approvals.js'
import { PolicyStore } from './store.js'
import type { CID } from '../records/codec.js'

const trace = logger('asp:policy')

export interface GuardrailsInit {
  dataDir: string
  log: Log
  signer: Signer
  clock: Clock
  /** Scores of counterparties. @default an empty ReputationView of this org: every org a stranger */
  reputation?: ScoreSource
}

export class Guardrails {
  readonly ledger = new DealLedger()
  readonly approvals: Approvals
  readonly guard: PolicyGuard
  private scores: ScoreSource
  private manager?: SessionManager
  private unsubscribe?: () => void

  private constructor (readonly policies: PolicyStore, private readonly init: GuardrailsInit) {
    this.approvals = new Approvals(init.log, init.signer, init.clock)
    this.scores = init.reputation ?? scoresFrom(new ReputationView({ observer: init.log.author }), init.clock)
    this.guard = new PolicyGuard({
      org: init.log.author,
      clock: init.clock,
      policies,
      ledger: this.ledger,
      approvals: this.approvals,
      scores: () => this.scores,
      sessions: () => this.sessions
    })
  }

  /** Reads and checks policies.json: PolicyError POLICY_FILE_INVALID if it is bad. */
  static async open (init: GuardrailsInit): Promise<Guardrails> {
    return new Guardrails(await PolicyStore.open(init.dataDir, init.log, init.signer, init.clock), init)
  }

  private get sessions (): SessionManager {
    if (this.manager === undefined) throw new Error('guardrails are not attached to a session manager')
    return this.manager
  }

  /** Where counterparties' scores come from from now on. */
  useReputation (source: ScoreSource): void {
    this.scores = source
  }

  /** Puts the guard in front of `sessions` and handles session approvals. Before sessions.start(). */
  attach (sessions: SessionManager): void {
    this.manager = sessions
    sessions.useGuard(this.guard)
    this.approvals.handle(SESSION_SUBJECT, sessionApprovals(() => this.sessions, this.init.log.author))
    this.unsubscribe = sessions.onEvent((event) => this.observe(event))
  }

  /**
   * Reads the log once (after sessions.start(), so session states exist): policy changes, approvals
   * and their decisions, this org's COMMITs of the last day, the orgs it holds commitments with.
   * Then records the policies changed by hand in policies.json since the last run.
   */
  async start (): Promise<void> {
    const { log, clock } = this.init
    const since = clock.now() - DAY_MS
    const wanted = new Set([policyChangeKind.name, approvalKind.name, decisionKind.name, sessionMessageKind.name, commitmentKind.name])
    for await (const entry of log.entries()) {
      const body = entry.value.body as { kind?: string, record?: CID }
      if (entry.value.kind !== 'record' || body.kind === undefined || body.record === undefined || !wanted.has(body.kind)) continue
      const bytes = await log.getBlock(body.record)
      if (bytes === undefined) continue
      switch (body.kind) {
        case policyChangeKind.name:
          this.policies.ingest(decodeRecord(policyChangeKind, bytes, { skipSignatures: true }).value)
          break
        case approvalKind.name: {
          const record = decodeRecord(approvalKind, bytes, { skipSignatures: true })
          this.approvals.ingest({ kind: 'approval', value: record.value, cid: record.cid })
          break
        }
        case decisionKind.name:
          this.approvals.ingest({ kind: 'approval-decision', value: decodeRecord(decisionKind, bytes, { skipSignatures: true }).value })
          break
        case sessionMessageKind.name: {
          // Our own bytes, checked in full before they were logged, and the bulk of a busy log: only
          // the envelope is read (the schema check of every offer's terms would double the start time).
          const m = dagCbor.decode<Pick<SessionMessage, 'type' | 'session' | 'from' | 'ts'>>(bytes)
          const terms = this.manager?.state(m.session)?.agreement?.deal.terms
          if (m.type === 'COMMIT' && m.from.org === log.author && m.ts > since && terms !== undefined) this.ledger.commit(m.session, m.from.agent, terms.total, m.ts)
          break
        }
        case commitmentKind.name: {
          const { parties } = decodeRecord(commitmentKind, bytes, { skipSignatures: true }).value.agreement
          this.ledger.addPartner(parties.initiator === log.author ? parties.responder : parties.initiator)
          break
        }
      }
    }
    const changed = await this.policies.reconcile()
    if (changed > 0) trace('recorded %d policies changed in %s since the last run', changed, this.policies.file)
  }

  /** Carries out decisions the node stopped before carrying out. After the peer started. */
  async resume (): Promise<void> {
    await this.approvals.resume()
  }

  stop (): void {
    this.unsubscribe?.()
  }

  private observe (event: SessionEvent): void {
    const { message, state } = event
    if (event.direction === 'out' && message.type === 'COMMIT' && state.agreement !== null) {
      this.ledger.commit(event.session, message.from.agent, state.agreement.deal.terms.total, message.ts)
    }
    if (state.phase === 'committed') {
      this.ledger.addPartner(state.parties.initiator.org === this.init.log.author ? state.parties.responder.org : state.parties.initiator.org)
    }
  }
}
