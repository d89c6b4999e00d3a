// The operator's routes for policies: the whole document, one agent's policy, the defaults. The
// request and response schemas are exported zod objects, so that the OpenAPI routes can reuse them.
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { policyDocumentSchema, policySchema } from '../policy/document.js'
import { PolicyError } from '../policy/errors.js'
import type { Guardrails } from '../policy/guardrails.js'
import type { PolicyTarget } from '../policy/store.js'
import { identifier } from '../records/schema-types.js'
import { problem, sendProblem } from './problem.js'

export const agentParams = z.strictObject({ agent: identifier })

/** PUT body: the agent's whole policy (it replaces the previous one). */
export const policyBody = policySchema

export const agentPolicyResponse = z.strictObject({
  agent: identifier,
  policy: policySchema.nullable().describe('The policy that applies to the agent now; null: none.'),
  source: z.enum(['agent', 'defaults', 'none']).describe('Whether it is the agent\'s own policy or the defaults.')
})

export const defaultsResponse = z.strictObject({ policy: policySchema.nullable() })

export const policyDocumentResponse = policyDocumentSchema

export function registerPolicyRoutes (app: FastifyInstance, guardrails: Guardrails): void {
  const { policies } = guardrails

  const agentOf = (params: unknown, reply: FastifyReply): string | undefined => {
    const parsed = agentParams.safeParse(params)
    if (!parsed.success) {
      sendProblem(reply, problem('API_REQUEST_INVALID', 'Bad request', 'an agent name is a lowercase identifier, e.g. procurement'))
      return undefined
    }
    return parsed.data.agent
  }

  const change = async (reply: FastifyReply, target: PolicyTarget, body: unknown): Promise<unknown> => {
    if (body === undefined) return sendProblem(reply, problem('API_REQUEST_INVALID', 'Bad request', 'the body is the policy, a JSON object ({} for no rules)'))
    try {
      return await policies.set(target, body)
    } catch (err) {
      if (err instanceof PolicyError && err.code === 'POLICY_INVALID') return sendProblem(reply, problem('POLICY_INVALID', 'Invalid policy', err.message, 400))
      throw err
    }
  }

  app.get('/v1/policies', async () => policies.document)

  app.get('/v1/policies/defaults', async () => ({ policy: policies.document.defaults ?? null }))

  app.put('/v1/policies/defaults', async (request, reply) => {
    const policy = await change(reply, null, request.body)
    return reply.sent ? reply : { policy }
  })

  app.delete('/v1/policies/defaults', async (_request, reply) => {
    await change(reply, null, null)
    return reply.sent ? reply : { policy: null }
  })

  app.get('/v1/policies/agents/:agent', async (request, reply) => {
    const agent = agentOf(request.params, reply)
    if (agent === undefined) return reply
    const { policy, source } = policies.policyFor(agent)
    return { agent, policy: policy ?? null, source }
  })

  app.put('/v1/policies/agents/:agent', async (request, reply) => {
    const agent = agentOf(request.params, reply)
    if (agent === undefined) return reply
    await change(reply, agent, request.body)
    if (reply.sent) return reply
    const { policy, source } = policies.policyFor(agent)
    return { agent, policy: policy ?? null, source }
  })

  app.delete('/v1/policies/agents/:agent', async (request, reply) => {
    const agent = agentOf(request.params, reply)
    if (agent === undefined) return reply
    await change(reply, agent, null)
    if (reply.sent) return reply
    const { policy, source } = policies.policyFor(agent)
    return { agent, policy: policy ?? null, source }
  })
}
