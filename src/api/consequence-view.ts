// Commitments and disputes as the API shows them, and who may see them: the operator sees every
// one the node holds; an agent only those of commitments this org is party to through a session
// the agent may see. Anything else is answered as missing (404), like another agent's session.
import { commitmentOutcome } from '../commitments/outcome.js'
import type { Dispute } from '../disputes/dispute-kind.js'
import type { AspNode } from '../node.js'
import type { SignedRecord } from '../records/record.js'
import type { Principal } from './auth.js'
import { toJson } from './json.js'
import { ApiError } from './problem.js'
import { canSee, ourAgents } from './session-view.js'

/** The session through which this org is party to a commitment (from its private commitment record). */
export function sessionOfCommitment (node: AspNode, commitment: string): string | null {
  return node.consequences.book.commitments.get(commitment)?.value.deal.session ?? null
}

/** The agents of this org a commitment concerns: those of its session. */
export function agentsOfCommitment (node: AspNode, commitment: string): string[] {
  const session = sessionOfCommitment(node, commitment)
  const state = session !== null ? node.sessions.state(session) : undefined
  return state !== undefined ? ourAgents(state, node.key.orgId) : []
}

/** Whether the node holds a commitment: its attestation, or (a party, before the attestation is stored) the commitment itself. */
export function holdsCommitment (node: AspNode, commitment: string): boolean {
  const { book } = node.consequences
  return book.attestations.has(commitment) || book.commitments.has(commitment)
}

/** Every commitment id the node holds. */
export function commitmentIds (node: AspNode): string[] {
  const { book } = node.consequences
  return [...new Set([...book.commitments.keys(), ...book.attestations.keys()])]
}

export function canSeeCommitment (node: AspNode, principal: Principal, commitment: string): boolean {
  if (principal.kind === 'operator') return holdsCommitment(node, commitment)
  const session = sessionOfCommitment(node, commitment)
  const state = session !== null ? node.sessions.state(session) : undefined
  return state !== undefined && canSee(principal, state, node.key.orgId)
}

export function commitmentJson (node: AspNode, id: string, withDeal: boolean): Record<string, unknown> {
  const { book } = node.consequences
  const attestation = book.attestations.get(id)
  const own = book.commitments.get(id)
  const agreement = attestation?.value.agreement ?? own?.value.agreement
  if (agreement === undefined) throw new ApiError('API_NOT_FOUND', `no commitment ${id}`)
  const { parties, arbiters, quorum, valueClass, at } = agreement
  const now = node.clock.now()
  // Without the attestation no receipt or dispute can be held yet: the deadline alone decides.
  const obligations = node.consequences.status(id) ?? agreement.obligations.map((o) => ({ ...o, status: now > o.dueBy ? 'overdue' as const : 'pending' as const }))
  return {
    id,
    party: own !== undefined,
    session: own?.value.deal.session ?? null,
    record: own?.cid.toString() ?? null,
    attestation: attestation?.cid.toString() ?? null,
    outcome: commitmentOutcome(obligations.map((o) => o.status)),
    parties,
    arbiters,
    quorum,
    valueClass,
    at,
    obligations: obligations.map(({ id, obligor, beneficiary, dueBy, status }) => ({ id, obligor, beneficiary, dueBy, status })),
    ...(withDeal ? { deal: own !== undefined ? toJson(own.value.deal) : null } : {})
  }
}

/** The commitment if the caller may see it; otherwise 404 as if it did not exist. */
export function visibleCommitment (node: AspNode, principal: Principal, id: string): Record<string, unknown> {
  if (!canSeeCommitment(node, principal, id)) throw new ApiError('API_NOT_FOUND', `no commitment ${id}`)
  return commitmentJson(node, id, true)
}

export type DisputeStatus = 'open' | 'breach' | 'dismissed' | 'contradicted'

export function disputeJson (node: AspNode, dispute: SignedRecord<Dispute>): Record<string, unknown> & { status: DisputeStatus } {
  const { book } = node.consequences
  const id = dispute.cid.toString()
  const d = dispute.value
  const verdicts = [...(book.verdicts.get(id)?.values() ?? [])]
  const outcomes = new Set(verdicts.map((v) => v.read.outcome))
  const status: DisputeStatus = outcomes.size === 0 ? 'open' : outcomes.size > 1 ? 'contradicted' : outcomes.has('breach') ? 'breach' : 'dismissed'
  const commitment = d.commitment.toString()
  return {
    id,
    commitment,
    obligation: d.obligation,
    session: sessionOfCommitment(node, commitment),
    claim: d.claim,
    claimant: d.claimant,
    respondent: d.respondent,
    ...(d.statement !== undefined ? { statement: d.statement } : {}),
    evidence: d.evidence.map((c) => c.toString()),
    openedAt: d.openedAt,
    status,
    votes: [...(book.votes.get(id)?.values() ?? [])].map((v) => ({ cid: v.cid.toString(), arbiter: v.value.arbiter, outcome: v.value.outcome, rule: v.value.rule, at: v.value.at })),
    verdicts: verdicts.map((v) => ({ cid: v.record.cid.toString(), outcome: v.read.outcome, at: v.read.at }))
  }
}
