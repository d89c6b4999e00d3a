// The guard the session layer calls before this org's messages are signed and before incoming
// messages are applied (SessionGuard in src/session/manager.ts). It gathers the facts of a message
// (value, counterparty, score, what the agent spent), evaluates the agent's policy (evaluate.ts),
// refuses with the rule's code, or holds the message for approval: it records the approval, sends
// ESCALATE in its place, and refuses the original with POLICY_APPROVAL_REQUIRED.
import { logger } from '@libp2p/logger'
import type { Clock } from '../clock.js'
import { cidOf, encode } from '../records/codec.js'
import { verify } from '../records/ed25519.js'
import { apply } from '../session/machine.js'
import type { Outgoing, SessionGuard, SessionManager } from '../session/manager.js'
import type { Party, SessionMessage } from '../session/message-kind.js'
import { bodySchemas } from '../session/message-types.js'
import { other, type Role, type SessionState } from '../session/state.js'
import type { Terms } from '../session/terms.js'
import type { Approvals } from './approvals.js'
import type { Policy } from './document.js'
import { checkIncoming, checkOutgoing, requiredScore, type ApprovalReason, type MessageFacts } from './evaluate.js'
import { PolicyError } from './errors.js'
import type { DealLedger } from './ledger.js'
import { formatMoney } from './money.js'
import type { ScoreSource } from './reputation.js'
import { SESSION_SUBJECT, type HeldMessage } from './session-approvals.js'
import type { PolicyStore } from './store.js'

const trace = logger('asp:policy')

/** The ESCALATE reason the other party sees: no rule, limit or threshold of ours in it. */
export const ESCALATE_REASON = 'waiting for the approval of this organization\'s people'

export interface GuardParts {
  org: string
  clock: Clock
  policies: PolicyStore
  ledger: DealLedger
  approvals: Approvals
  scores: () => ScoreSource
  sessions: () => SessionManager
}

/** The key of a deal's terms: one approval covers every message of the session with these terms. */
export function termsKey (terms: Terms): string {
  return cidOf(encode(terms)).toString()
}

export class PolicyGuard implements SessionGuard {
  private readonly locks = new Map<string, Promise<void>>()

  constructor (private readonly parts: GuardParts) {}

  async beforeSend (next: Outgoing, on: SessionState | { from: Party, to: Party }): Promise<void> {
    // ESCALATE is how a side asks its humans, and how this guard holds a message: never held itself.
    if (next.type === 'ESCALATE') return
    if (!('id' in on)) return this.checkOpening(next, on.from, on.to)
    const session = on.id
    const previous = this.locks.get(session) ?? Promise.resolve()
    const run = previous.then(async () => this.checkSend(next, session))
    const settled = run.then(() => {}, () => {})
    this.locks.set(session, settled)
    try {
      await run
    } finally {
      if (this.locks.get(session) === settled) this.locks.delete(session)
    }
  }

  async beforeAccept (message: SessionMessage, state: SessionState | undefined): Promise<void> {
    if (state !== undefined) return // only a session's first message is checked (policy.md §4.2)
    const agent = message.to.agent
    const { policy } = this.parts.policies.policyFor(agent)
    const value = message.type === 'PROPOSE' ? (message.body as { terms: Terms }).terms.total : undefined
    const verdict = checkIncoming(policy, this.facts(policy, {
      counterparty: message.from.org,
      opening: { type: message.type, capability: message.type === 'REQUEST' ? (message.body as { capability: string }).capability : undefined },
      value
    }))
    if (!verdict.ok) {
      trace('refused a session from %s to %s: %s %s', message.from.org, agent, verdict.rule, verdict.detail)
      // The other party learns the rule, not our thresholds nor its score in our eyes.
      throw new PolicyError(verdict.rule, `the receiving organization's policy refuses this session (${verdict.rule})`)
    }
  }

  /** The first message of a session this org opens: it cannot be escalated, there is no session yet. */
  private async checkOpening (next: Outgoing, from: Party, to: Party): Promise<void> {
    if (!bodySchemas[next.type].safeParse(next.body).success) return // the manager refuses it when signing
    const { policy } = this.parts.policies.policyFor(from.agent)
    const terms = next.type === 'PROPOSE' ? (next.body as { terms: Terms }).terms : undefined
    const verdict = checkOutgoing(policy, this.facts(policy, {
      counterparty: to.org,
      opening: { type: next.type, capability: next.type === 'REQUEST' ? (next.body as { capability: string }).capability : undefined },
      value: terms?.total,
      agent: from.agent
    }))
    if (!verdict.ok) throw new PolicyError(verdict.rule, verdict.detail, { agent: from.agent, counterparty: to.org })
    if (verdict.approval.length > 0) {
      throw new PolicyError('POLICY_APPROVAL_AT_OPEN', 'this offer needs approval, and a session cannot start with ESCALATE: open it with a REQUEST or QUERY, then make the offer', { agent: from.agent, reasons: verdict.approval })
    }
  }

  private async checkSend (next: Outgoing, session: string): Promise<void> {
    const sessions = this.parts.sessions()
    const state = sessions.state(session)
    if (state === undefined) return // the manager refuses it
    const pending = this.pendingApproval(session)
    if (pending !== undefined) throw new PolicyError('POLICY_APPROVAL_PENDING', `session ${session} waits for approval ${pending}`, { approval: pending })
    if (!DEAL_TYPES.has(next.type)) return // only offers, ACCEPT and COMMIT bind this side (policy.md §4.1)
    const role: Role = state.parties.initiator.org === this.parts.org ? 'initiator' : 'responder'
    const agent = state.speakers[role]
    const { policy } = this.parts.policies.policyFor(agent)
    if (policy === undefined) return
    if (!bodySchemas[next.type].safeParse(next.body).success) return // the manager refuses it when signing
    // A message the session would refuse is refused now, with the machine's code: never held nor counted.
    dryRun(state, role, next, this.parts.clock.now())
    const terms = termsAtStake(state, next)
    if (terms === undefined) return
    const counterparty = state.parties[other(role)].org
    const key = termsKey(terms)
    const verdict = checkOutgoing(policy, this.facts(policy, { counterparty, value: terms.total, agent, session, approved: this.approved(session, key) }))
    if (!verdict.ok) throw new PolicyError(verdict.rule, verdict.detail, { agent, counterparty, session })
    if (verdict.approval.length > 0) return this.hold(state, agent, counterparty, next, terms, key, verdict.approval, policy)
    if (next.type === 'COMMIT') this.parts.ledger.commit(session, agent, terms.total, this.parts.clock.now())
  }

  private facts (policy: Policy | undefined, f: { counterparty: string, opening?: MessageFacts['opening'], value?: Terms['total'], agent?: string, session?: string, approved?: boolean }): MessageFacts {
    const now = this.parts.clock.now()
    // Scores cost a PageRank refresh at times: asked for only when a minimum applies.
    const needsScore = policy !== undefined && requiredScore(policy, f.value) > 0
    return {
      counterparty: f.counterparty,
      ...(f.opening !== undefined ? { opening: f.opening } : {}),
      ...(f.value !== undefined ? { value: f.value } : {}),
      score: needsScore ? this.parts.scores().scoreOf(f.counterparty) : undefined,
      spentLast24h: f.value !== undefined && f.agent !== undefined ? this.parts.ledger.spent(f.agent, f.value.currency, now, f.session) : 0n,
      dealtWith: this.parts.ledger.dealtWith(f.counterparty),
      approved: f.approved ?? false
    }
  }

  private pendingApproval (session: string): string | undefined {
    return this.parts.approvals.forSubject(SESSION_SUBJECT, session).find((a) => a.status === 'pending')?.id
  }

  private approved (session: string, key: string): boolean {
    return this.parts.approvals.forSubject(SESSION_SUBJECT, session)
      .some((a) => a.status === 'approved' && (this.parts.approvals.payloadOf(a.id) as Partial<HeldMessage> | undefined)?.terms === key)
  }

  private async hold (state: SessionState, agent: string, counterparty: string, next: Outgoing, terms: Terms, key: string, reasons: ApprovalReason[], policy: Policy | undefined): Promise<never> {
    const total = formatMoney(terms.total.amount, terms.total.currency)
    const held: HeldMessage = {
      v: 1,
      agent,
      counterparty,
      terms: key,
      reasons,
      message: {
        type: next.type,
        body: next.body,
        ...(next.replyTo !== undefined ? { replyTo: next.replyTo } : {}),
        ...(next.expiresAt !== undefined ? { expiresAt: next.expiresAt } : {})
      }
    }
    const approval = await this.parts.approvals.request({
      subject: { kind: SESSION_SUBJECT, id: state.id },
      summary: `${agent} wants to send ${next.type} for ${terms.quantity} ${terms.unit} of ${terms.item}, ${total}, to ${counterparty}`,
      facts: { agent, type: next.type, counterparty, item: terms.item, quantity: String(terms.quantity), total, reasons: reasons.join(', '), session: state.id },
      quorum: policy?.approval?.quorum ?? 1,
      ...(policy?.approval?.approvers !== undefined ? { approvers: policy.approval.approvers } : {}),
      payload: held
    })
    let escalated = true
    try {
      await this.parts.sessions().send(state.id, { type: 'ESCALATE', body: { reason: ESCALATE_REASON } })
    } catch (err) {
      // The approval stands: once decided, the held message (or the refusal) is sent all the same.
      escalated = false
      trace('ESCALATE of session %s failed: %s', state.id, (err as Error).message)
    }
    throw new PolicyError('POLICY_APPROVAL_REQUIRED', `the ${next.type} is held until approval ${approval.id} is decided (${reasons.join(', ')})`, { approval: approval.id, reasons, escalated, session: state.id })
  }
}

const DEAL_TYPES: ReadonlySet<string> = new Set(['PROPOSE', 'COUNTER', 'ACCEPT', 'COMMIT'])

/** The terms a message of this org would bind it to: its offer, the offer it accepts, the agreement it signs. */
function termsAtStake (state: SessionState, next: Outgoing): Terms | undefined {
  switch (next.type) {
    case 'PROPOSE':
    case 'COUNTER':
      return (next.body as { terms: Terms }).terms
    case 'ACCEPT':
      return state.liveOffer?.terms
    case 'COMMIT':
      return state.agreement?.deal.terms
    default:
      return undefined
  }
}

/** Runs the pure state machine on the message as the manager would build it; throws its SessionError. */
function dryRun (state: SessionState, role: Role, next: Outgoing, now: number): void {
  const message = {
    v: 1,
    type: next.type,
    session: state.id,
    seq: state.seq + 1,
    prev: state.head,
    from: { org: state.parties[role].org, agent: state.speakers[role] },
    to: { org: state.parties[other(role)].org, agent: state.speakers[other(role)] },
    ts: Math.max(now, state.lastTs),
    ...(next.replyTo !== undefined ? { replyTo: next.replyTo } : {}),
    ...(next.expiresAt !== undefined ? { expiresAt: next.expiresAt } : {}),
    body: next.body,
    sig: new Uint8Array(64)
  } satisfies SessionMessage
  apply(state, message, state.head, verify)
}
