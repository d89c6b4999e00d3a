// The operator's routes of this issue: health, status, discovery and publishing agent cards.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { AspNode } from '../node.js'
import { capability } from '../records/kinds/agent-card.js'
import { identifier } from '../records/schema-types.js'
import { problem, sendProblem } from './problem.js'

const cardBody = z.strictObject({
  agent: identifier,
  capabilities: z.array(capability).min(1).max(32),
  summary: z.string().max(280).default(''),
  ttlSeconds: z.number().int().min(60).max(365 * 86400).default(86400)
})

export function registerOperatorRoutes (app: FastifyInstance, node: AspNode): void {
  app.get('/v1/health', { config: { public: true } }, async () => ({ ok: true }))

  app.get('/v1/status', async () => node.status())

  app.get('/v1/discover', async (request, reply) => {
    const query = z.strictObject({ capability, limit: z.coerce.number().int().min(1).max(100).optional() }).safeParse(request.query)
    if (!query.success) return sendProblem(reply, problem('API_REQUEST_INVALID', 'Bad request', 'capability is required, e.g. ?capability=sell:gpu-hours'))
    return { capability: query.data.capability, agents: await node.discover(query.data.capability, { limit: query.data.limit }) }
  })

  app.get('/v1/cards', async () => ({ cards: node.currentCards().map((c) => ({ cid: c.cid.toString(), ...c.value, sig: undefined })) }))

  app.post('/v1/cards', async (request, reply) => {
    const body = cardBody.safeParse(request.body)
    if (!body.success) return sendProblem(reply, problem('API_REQUEST_INVALID', 'Bad request', body.error.issues[0]?.message))
    const card = await node.publishCard({ ...body.data, ttlMs: body.data.ttlSeconds * 1000 })
    return reply.code(201).send({ cid: card.cid.toString(), ...card.value, sig: undefined })
  })
}
