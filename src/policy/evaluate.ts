// The pure evaluation of a policy: given the facts of one message (who the counterparty is, what
// the deal is worth, what this agent spent, the counterparty's score), the first rule it breaks, or
// the reasons it needs approval. No I/O and no clock: the guard (guard.ts) gathers the facts.
import type { MessageType } from '../session/message-types.js'
import type { PolicyRuleCode } from './errors.js'
import type { Policy } from './document.js'

export interface Money {
  amount: number
  currency: string
}

export interface MessageFacts {
  /** The other org of the session. */
  counterparty: string
  /** Set when the message opens a session (this org's first message or the other org's). */
  opening?: { type: MessageType, capability?: string }
  /** The total of the terms at stake: of an offer, of the offer an ACCEPT names, of a COMMIT's agreement. */
  value?: Money
  /** The counterparty's score as this org sees it; undefined when unknown. */
  score: number | undefined
  /** What this agent's deals of the last 24 hours are worth in `value.currency`, this session's excluded. */
  spentLast24h: bigint
  /** This org holds a commitment with the counterparty. */
  dealtWith: boolean
  /** These terms were approved in this session already (one approval covers the whole deal). */
  approved: boolean
}

export type ApprovalReason = 'always' | 'above' | 'new-counterparty'

export type Verdict =
  | { ok: true, approval: ApprovalReason[] }
  | { ok: false, rule: PolicyRuleCode, detail: string }

const refuse = (rule: PolicyRuleCode, detail: string): Verdict => ({ ok: false, rule, detail })

/** An outgoing message of this org's agent: every rule, then whether it needs approval. */
export function checkOutgoing (policy: Policy | undefined, facts: MessageFacts): Verdict {
  if (policy === undefined) return { ok: true, approval: [] }
  const first = counterpartyAndCapability(policy, facts)
  if (first !== undefined) return first
  if (facts.value !== undefined) {
    const limit = spendLimit(policy, facts.value, facts.spentLast24h)
    if (limit !== undefined) return limit
  }
  const reputation = reputationRule(policy, facts)
  if (reputation !== undefined) return reputation
  return { ok: true, approval: facts.value === undefined || facts.approved ? [] : approvalReasons(policy, facts.value, facts.dealtWith) }
}

/**
 * A message of the other org that opens a session with this agent: who may open one (counterparty,
 * capability, reputation). Limits and approvals bind this org's own messages, so they are not
 * checked on incoming ones; later incoming messages are not checked at all.
 */
export function checkIncoming (policy: Policy | undefined, facts: MessageFacts): Verdict {
  if (policy === undefined || facts.opening === undefined) return { ok: true, approval: [] }
  return counterpartyAndCapability(policy, facts) ?? reputationRule(policy, facts) ?? { ok: true, approval: [] }
}

function counterpartyAndCapability (policy: Policy, facts: MessageFacts): Verdict | undefined {
  const { allow, deny } = policy.counterparties ?? {}
  if (deny?.includes(facts.counterparty) === true) return refuse('POLICY_COUNTERPARTY', `${facts.counterparty} is on the deny list`)
  if (allow !== undefined && !allow.includes(facts.counterparty)) return refuse('POLICY_COUNTERPARTY', `${facts.counterparty} is not on the allow list`)
  if (policy.capabilities !== undefined && facts.opening !== undefined) {
    const { type, capability } = facts.opening
    if (type !== 'REQUEST' || capability === undefined) return refuse('POLICY_CAPABILITY', `sessions of this agent start with a REQUEST for one of: ${policy.capabilities.join(', ')}`)
    if (!policy.capabilities.includes(capability)) return refuse('POLICY_CAPABILITY', `${capability} is not an allowed capability`)
  }
  return undefined
}

function spendLimit (policy: Policy, value: Money, spent: bigint): Verdict | undefined {
  if (policy.spend === undefined) return undefined
  const limits = Object.hasOwn(policy.spend, value.currency) ? policy.spend[value.currency] : undefined
  if (limits === undefined) return refuse('POLICY_CURRENCY', `no limit is set for ${value.currency}, so deals in it are not allowed`)
  if (limits.perDeal !== undefined && value.amount > limits.perDeal) {
    return refuse('POLICY_SPEND_LIMIT', `the deal is worth ${value.amount} ${value.currency} (minor units), over the per-deal limit of ${limits.perDeal}`)
  }
  if (limits.perDay !== undefined && spent + BigInt(value.amount) > BigInt(limits.perDay)) {
    return refuse('POLICY_DAILY_LIMIT', `${spent} ${value.currency} committed in the last 24 hours plus this deal's ${value.amount} is over the per-day limit of ${limits.perDay}`)
  }
  return undefined
}

/** The minimum score for a deal worth `value` (or for any session, without a value). */
export function requiredScore (policy: Policy, value: Money | undefined): number {
  let required = policy.minReputation?.base ?? 0
  if (value === undefined) return required
  for (const tier of policy.minReputation?.tiers ?? []) {
    if (tier.currency === value.currency && value.amount > tier.above) required = Math.max(required, tier.min)
  }
  return required
}

function reputationRule (policy: Policy, facts: MessageFacts): Verdict | undefined {
  const required = requiredScore(policy, facts.value)
  if (required === 0) return undefined
  // An org this node knows nothing of has the stranger's score; none at all (no view) is below every minimum.
  if (facts.score === undefined || facts.score < required) {
    return refuse('POLICY_REPUTATION', `${facts.counterparty} scores ${facts.score === undefined ? 'unknown' : facts.score.toFixed(1)}, below the minimum of ${required}${facts.value !== undefined ? ` for a deal of ${facts.value.amount} ${facts.value.currency}` : ''}`)
  }
  return undefined
}

function approvalReasons (policy: Policy, value: Money, dealtWith: boolean): ApprovalReason[] {
  const rule = policy.approval
  if (rule === undefined) return []
  const reasons: ApprovalReason[] = []
  if (rule.always === true) reasons.push('always')
  const threshold = rule.above !== undefined && Object.hasOwn(rule.above, value.currency) ? rule.above[value.currency] : undefined
  if (threshold !== undefined && value.amount > threshold) reasons.push('above')
  if (rule.newCounterparty === true && !dealtWith) reasons.push('new-counterparty')
  return reasons
}
