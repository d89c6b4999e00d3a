// The operator's routes for approvals: list, read, decide. Each decision is recorded in the log;
// the one that settles an approval also carries it out (e.g. sends the held session message)
// before the response.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { isAspError } from '../errors.js'
import type { Approvals } from '../policy/approvals.js'
import { approverName } from '../policy/document.js'
import type { ApprovalErrorCode } from '../policy/errors.js'
import { problem, sendProblem } from './problem.js'

export const approvalStatus = z.enum(['pending', 'approved', 'refused'])

export const approvalListQuery = z.strictObject({ status: approvalStatus.optional() })

export const approvalParams = z.strictObject({ id: z.string().regex(/^b[a-z2-7]{20,100}$/).describe('The approval id: the CID of its approval record.') })

export const decisionBody = z.strictObject({
  approver: approverName.describe('Who decides; distinct names count once each toward the quorum.'),
  decision: z.enum(['approve', 'refuse']),
  note: z.string().max(1024).optional()
})

export const approvalView = z.strictObject({
  id: z.string(),
  subject: z.strictObject({ kind: z.string(), id: z.string() }),
  summary: z.string(),
  facts: z.record(z.string(), z.string()),
  quorum: z.number().int(),
  approvers: z.array(z.string()).nullable(),
  createdAt: z.number().int(),
  status: approvalStatus,
  decisions: z.array(z.strictObject({ approver: z.string(), decision: z.enum(['approve', 'refuse']), note: z.string().optional(), at: z.number().int() })),
  outcome: z.union([z.strictObject({ ok: z.literal(true) }), z.strictObject({ ok: z.literal(false), code: z.string(), message: z.string() })]).optional()
})

const STATUS: Record<ApprovalErrorCode, number> = {
  APPROVAL_NOT_FOUND: 404,
  APPROVAL_CLOSED: 409,
  APPROVAL_DUPLICATE_APPROVER: 409,
  APPROVAL_NOT_APPROVER: 403,
  APPROVAL_NO_HANDLER: 500
}

export function registerApprovalRoutes (app: FastifyInstance, approvals: Approvals): void {
  app.get('/v1/approvals', async (request, reply) => {
    const query = approvalListQuery.safeParse(request.query)
    if (!query.success) return sendProblem(reply, problem('API_REQUEST_INVALID', 'Bad request', 'status is pending, approved or refused'))
    return { approvals: approvals.list(query.data.status) }
  })

  app.get('/v1/approvals/:id', async (request, reply) => {
    const params = approvalParams.safeParse(request.params)
    const view = params.success ? approvals.get(params.data.id) : undefined
    if (view === undefined) return sendProblem(reply, problem('APPROVAL_NOT_FOUND', 'Not found', 'no such approval', 404))
    return view
  })

  app.post('/v1/approvals/:id/decisions', async (request, reply) => {
    const params = approvalParams.safeParse(request.params)
    if (!params.success) return sendProblem(reply, problem('APPROVAL_NOT_FOUND', 'Not found', 'no such approval', 404))
    const body = decisionBody.safeParse(request.body)
    if (!body.success) return sendProblem(reply, problem('API_REQUEST_INVALID', 'Bad request', `${body.error.issues[0]?.path.join('.') ?? ''}: ${body.error.issues[0]?.message ?? 'invalid'}`))
    try {
      return await approvals.decide(params.data.id, body.data.approver, body.data.decision, body.data.note)
    } catch (err) {
      if (isAspError(err) && err.code in STATUS) return sendProblem(reply, problem(err.code, err.name, err.message, STATUS[err.code as ApprovalErrorCode]))
      throw err
    }
  })
}
