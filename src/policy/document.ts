// The policy document: the guardrails an operator sets for each of the org's agents. Amounts are
// integer minor units per ISO 4217 currency, as in offer terms (src/session/terms.ts). The same
// schema checks policies.json at start, the bodies of the API and the policy records in the log.
import { z } from 'zod'
import { capability } from '../records/kinds/agent-card.js'
import { identifier, orgId, uint } from '../records/schema-types.js'

export const currency = z.string().regex(/^[A-Z]{3}$/).describe('ISO 4217 code, e.g. EUR.')

/** A score threshold on the 0 to 100 scale of protocols/reputation.md. */
const minScore = z.number().int().min(0).max(100)

/** Who decides: a name an approver gives with each decision (distinct names count once each). */
export const approverName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/).describe('An approver\'s name, e.g. "alice" or "alice@example.org".')

export const spendLimits = z.strictObject({
  perDeal: uint.optional().describe('Most a single deal may be worth (its terms\' total), in minor units.'),
  perDay: uint.optional().describe('Most the deals this agent committed to in any 24 hours may be worth together, this deal included.')
})

export const reputationRule = z.strictObject({
  base: minScore.optional().describe('Minimum score of the counterparty of any session of this agent (0 when absent).'),
  tiers: z.array(z.strictObject({
    currency,
    above: uint.describe('Applies to deals worth more than this, in minor units.'),
    min: minScore
  })).max(32).optional().describe('Higher minimums for larger deals: the highest minimum of every tier the deal is above applies.')
})

export const approvalRule = z.strictObject({
  always: z.boolean().optional().describe('Every deal (offer, ACCEPT, COMMIT) needs approval.'),
  above: z.record(currency, uint).optional().describe('Deals worth more than this, per currency, need approval.'),
  newCounterparty: z.boolean().optional().describe('A deal with an org this org has no commitment with yet needs approval.'),
  quorum: z.number().int().min(1).max(16).optional().describe('How many distinct approvers must approve (1 when absent); one refusal refuses.'),
  approvers: z.array(approverName).min(1).max(64).optional().describe('Who may decide; anyone with the operator token when absent.')
}).refine((a) => a.approvers === undefined || new Set(a.approvers).size === a.approvers.length, { message: 'approvers are distinct', path: ['approvers'] })
  .refine((a) => a.approvers === undefined || (a.quorum ?? 1) <= a.approvers.length, { message: 'quorum is at most the number of approvers', path: ['quorum'] })

export const counterpartyRule = z.strictObject({
  allow: z.array(orgId).max(1024).optional().describe('When present, only these orgs.'),
  deny: z.array(orgId).max(1024).optional().describe('Never these orgs.')
})

export const policySchema = z.strictObject({
  spend: z.record(currency, spendLimits).optional().describe('Limits per currency; when present, deals in a currency it does not name are refused.'),
  minReputation: reputationRule.optional(),
  approval: approvalRule.optional(),
  capabilities: z.array(capability).max(64).optional().describe('When present, every session of this agent starts with a REQUEST for one of these capabilities.'),
  counterparties: counterpartyRule.optional()
}).meta({ title: 'policy', description: 'The guardrails of one agent (protocols/policy.md §2).' })

export type Policy = z.infer<typeof policySchema>

export const policyDocumentSchema = z.strictObject({
  v: z.literal(1),
  defaults: policySchema.optional().describe('The policy of every agent that has none of its own.'),
  agents: z.record(identifier, policySchema)
}).meta({ title: 'policy document', description: 'The content of <data-dir>/policies.json (protocols/policy.md §3).' })

export type PolicyDocument = z.infer<typeof policyDocumentSchema>

export const EMPTY_DOCUMENT: PolicyDocument = { v: 1, agents: {} }

/** The policy that applies to `agent`: its own, else the defaults, else none. */
export function policyFor (doc: PolicyDocument, agent: string): { policy: Policy | undefined, source: 'agent' | 'defaults' | 'none' } {
  const own = Object.hasOwn(doc.agents, agent) ? doc.agents[agent] : undefined
  if (own !== undefined) return { policy: own, source: 'agent' }
  if (doc.defaults !== undefined) return { policy: doc.defaults, source: 'defaults' }
  return { policy: undefined, source: 'none' }
}
