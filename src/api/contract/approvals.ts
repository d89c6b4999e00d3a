// Approvals: questions to the org's humans (a deal over a policy's threshold, an arbiter's vote
// that needs a human), decided by a quorum of distinct approvers, each decision recorded in the
// log (protocols/policy.md §6). The operator lists and decides them; an agent sees those of its
// sessions, so it can tell why its session waits.
import { z } from 'zod'
import { approverName } from '../../policy/document.js'
import { timestamp } from '../../records/schema-types.js'
import { endpoint } from '../endpoint.js'

export const approvalStatus = z.enum(['pending', 'approved', 'refused'])

export const approvalView = z.strictObject({
  id: z.string().describe('The approval id: the CID of its approval record.'),
  subject: z.strictObject({ kind: z.string().describe('"session" (a held session message) or "vote" (an arbiter\'s vote).'), id: z.string().describe('The session id, or the dispute CID.') }),
  summary: z.string(),
  facts: z.record(z.string(), z.string()),
  quorum: z.number().int().describe('How many distinct approvers must approve; one refusal refuses.'),
  approvers: z.array(z.string()).nullable().describe('Who may decide; null: anyone with the operator token.'),
  createdAt: timestamp,
  status: approvalStatus,
  decisions: z.array(z.strictObject({ approver: z.string(), decision: z.enum(['approve', 'refuse']), note: z.string().optional(), at: timestamp })),
  outcome: z.union([z.strictObject({ ok: z.literal(true) }), z.strictObject({ ok: z.literal(false), code: z.string(), message: z.string() })]).optional()
    .describe('What carrying out the final decision gave (in this run of the node): the held message sent, or why not.')
}).meta({ title: 'Approval' })

export const approvalListQuery = z.strictObject({
  status: approvalStatus.optional().describe('Only approvals with this status.'),
  session: z.string().regex(/^[a-z2-7]{26}$/).optional().describe('Only the approvals of this session.')
})

/** Any string: an id that is not an approval's is answered as a missing one (404 APPROVAL_NOT_FOUND). */
export const approvalParams = z.strictObject({ id: z.string().min(1).max(128).describe('The approval id: the CID of its approval record.') })

export const decisionBody = z.strictObject({
  approver: approverName.describe('Who decides; distinct names count once each toward the quorum.'),
  decision: z.enum(['approve', 'refuse']),
  note: z.string().max(1024).optional()
})

export const approvalEndpoints = {
  listApprovals: endpoint({
    id: 'listApprovals', method: 'GET', path: '/v1/approvals', tag: 'approvals', auth: 'agent',
    summary: 'Approvals, oldest first (an agent: those of its sessions; the operator: all).',
    query: approvalListQuery,
    response: z.object({ approvals: z.array(approvalView) })
  }),
  getApproval: endpoint({
    id: 'getApproval', method: 'GET', path: '/v1/approvals/{id}', tag: 'approvals', auth: 'agent',
    summary: 'One approval: subject, summary, facts, quorum, approvers, status, decisions, outcome.',
    params: approvalParams,
    response: approvalView,
    errors: ['APPROVAL_NOT_FOUND']
  }),
  decideApproval: endpoint({
    id: 'decideApproval', method: 'POST', path: '/v1/approvals/{id}/decisions', tag: 'approvals', auth: 'operator',
    summary: 'One approver\'s decision, recorded in the log. The decision that settles the approval is carried out (e.g. the held message sent) before the answer.',
    params: approvalParams,
    body: decisionBody,
    response: approvalView,
    errors: ['APPROVAL_NOT_FOUND', 'APPROVAL_CLOSED', 'APPROVAL_DUPLICATE_APPROVER', 'APPROVAL_NOT_APPROVER']
  })
}
