// The operator's routes for commitments, disputes and reputation: what the node holds and derives,
// and the two things a human may do by hand (waive an obligation owed to this org, open a dispute).
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { commitmentOutcome } from '../commitments/outcome.js'
import { CLAIMS } from '../disputes/dispute-kind.js'
import type { AspNode } from '../node.js'
import { identifier, orgId } from '../records/schema-types.js'
import { jsonView } from './json-view.js'
import { problem, sendProblem } from './problem.js'

const cidParam = z.strictObject({ id: z.string().min(1).max(128) })
const waiveBody = z.strictObject({ obligation: identifier, note: z.string().max(280).optional() })
const disputeBody = z.strictObject({
  commitment: z.string().min(1).max(128),
  obligation: identifier,
  claim: z.enum(CLAIMS),
  statement: z.string().max(2048).optional(),
  evidence: z.array(z.string().min(1).max(128)).max(32).optional()
})

export function registerConsequenceRoutes (app: FastifyInstance, node: AspNode): void {
  const invalid = (detail?: string): ReturnType<typeof problem> => problem('API_REQUEST_INVALID', 'Bad request', detail)

  app.get('/v1/reputation', async () => ({ observer: node.key.orgId, at: node.clock.now(), subjects: node.reputation.table() }))

  app.get('/v1/reputation/:org', async (request, reply) => {
    const params = z.strictObject({ org: orgId }).safeParse(request.params)
    if (!params.success) return sendProblem(reply, invalid('not an org id'))
    const score = node.reputation.score(params.data.org)
    if (score === undefined) return sendProblem(reply, invalid('an org does not score itself'))
    return score
  })

  app.get('/v1/commitments', async () => {
    const { book } = node.consequences
    return {
      commitments: [...book.attestations.entries()].map(([id, attestation]) => {
        const obligations = node.consequences.status(id) ?? []
        return { id, party: book.commitments.has(id), outcome: commitmentOutcome(obligations.map((o) => o.status)), agreement: jsonView(attestation.value.agreement), obligations }
      })
    }
  })

  app.get('/v1/commitments/:id', async (request, reply) => {
    const params = cidParam.safeParse(request.params)
    const id = params.success ? params.data.id : ''
    const attestation = node.consequences.book.attestations.get(id)
    if (attestation === undefined) return sendProblem(reply, problem('API_NOT_FOUND', 'Not found', `no commitment ${id}`))
    const own = node.consequences.book.commitments.get(id)
    const obligations = node.consequences.status(id) ?? []
    return {
      id,
      outcome: commitmentOutcome(obligations.map((o) => o.status)),
      agreement: jsonView(attestation.value.agreement),
      obligations,
      // The private terms, only on a party's node.
      ...(own !== undefined ? { deal: jsonView(own.value.deal) } : {})
    }
  })

  app.post('/v1/commitments/:id/waive', async (request, reply) => {
    const params = cidParam.safeParse(request.params)
    const body = waiveBody.safeParse(request.body)
    if (!params.success || !body.success) return sendProblem(reply, invalid(body.error?.issues[0]?.message))
    const receipt = await node.consequences.waive(params.data.id, body.data.obligation, body.data.note)
    return reply.code(201).send({ cid: receipt.cid.toString(), receipt: jsonView(receipt.value) })
  })

  app.get('/v1/disputes', async () => {
    const { book } = node.consequences
    return {
      disputes: [...book.disputes.entries()].map(([id, d]) => ({
        id,
        dispute: jsonView({ ...d.value, sig: undefined }),
        votes: [...(book.votes.get(id)?.values() ?? [])].map((v) => ({ arbiter: v.value.arbiter, outcome: v.value.outcome, rule: v.value.rule, at: v.value.at })),
        verdicts: [...(book.verdicts.get(id)?.values() ?? [])].map((v) => ({ cid: v.record.cid.toString(), outcome: v.read.outcome, at: v.read.at }))
      }))
    }
  })

  app.post('/v1/disputes', async (request, reply) => {
    const body = disputeBody.safeParse(request.body)
    if (!body.success) return sendProblem(reply, invalid(body.error.issues[0]?.message))
    const dispute = await node.consequences.openDispute(body.data)
    return reply.code(201).send({ cid: dispute.cid.toString(), dispute: jsonView(dispute.value) })
  })
}
