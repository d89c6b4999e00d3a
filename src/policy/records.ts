// The log records of guardrails: each change of a policy, each approval asked for and each
// decision on one (protocols/policy.md §5). All are signed by the org and kept in its own log only:
// they are not public kinds, so they are neither gossiped nor served by sync.
import { z } from 'zod'
import { singleSignerKind } from '../records/kind.js'
import { identifier, link, orgId, positiveInt, signature, timestamp } from '../records/schema-types.js'
import { approverName, policySchema } from './document.js'

export const policyChangeSchema = z.strictObject({
  v: z.literal(1),
  org: orgId.describe('The org whose policy changed; it signs the record.'),
  agent: identifier.nullable().describe('The agent whose policy changed; null for the defaults.'),
  policy: policySchema.nullable().describe('The policy from now on; null when it was removed.'),
  source: z.enum(['api', 'file']).describe('"api": set through the API (or CLI); "file": found in policies.json at start, changed by hand.'),
  ts: timestamp,
  sig: signature
}).meta({ title: 'policy-change' })

export type PolicyChange = z.infer<typeof policyChangeSchema>

export const policyChangeKind = singleSignerKind<PolicyChange>({
  name: 'policy-change',
  description: 'A change of one agent\'s policy (or of the defaults), as the operator made it.',
  schema: policyChangeSchema,
  maxBytes: 256 * 1024,
  signer: (r) => r.org
})

export const approvalSchema = z.strictObject({
  v: z.literal(1),
  org: orgId.describe('The org that asks its humans; it signs the record.'),
  subject: z.strictObject({
    kind: identifier.describe('What is to be approved, e.g. "session" (a held session message) or "vote".'),
    id: z.string().min(1).max(128).describe('Which one, e.g. the session id.')
  }),
  summary: z.string().min(1).max(1024).describe('One line for the humans who decide.'),
  facts: z.record(z.string().max(64), z.string().max(1024)).describe('Key facts for the humans, as text.'),
  quorum: positiveInt.max(16).describe('How many distinct approvers must approve.'),
  approvers: z.array(approverName).max(64).nullable().describe('Who may decide; null: anyone with the operator token.'),
  payload: z.unknown().describe('What the subject\'s handler needs to carry out the decision (per subject kind).'),
  ts: timestamp,
  sig: signature
}).meta({ title: 'approval' })

export type ApprovalRecord = z.infer<typeof approvalSchema>

export const approvalKind = singleSignerKind<ApprovalRecord>({
  name: 'approval',
  description: 'A request to the org\'s humans to approve or refuse something an agent or the node wants to do.',
  schema: approvalSchema,
  maxBytes: 64 * 1024,
  signer: (r) => r.org
})

export const decisionSchema = z.strictObject({
  v: z.literal(1),
  org: orgId,
  approval: link.describe('CID of the approval record decided on.'),
  approver: approverName,
  decision: z.enum(['approve', 'refuse']),
  note: z.string().max(1024).optional(),
  ts: timestamp,
  sig: signature
}).meta({ title: 'approval-decision' })

export type DecisionRecord = z.infer<typeof decisionSchema>

export const decisionKind = singleSignerKind<DecisionRecord>({
  name: 'approval-decision',
  description: 'One approver\'s decision on an approval.',
  schema: decisionSchema,
  maxBytes: 4 * 1024,
  signer: (r) => r.org
})
