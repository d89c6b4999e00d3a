// Policies: the guardrails the operator sets for each agent (spending limits, minimum counterparty
// reputation, approval thresholds, capabilities, counterparty lists; protocols/policy.md). Every
// change is recorded in the log and written to <data-dir>/policies.json. Operator only.
import { z } from 'zod'
import { policyDocumentSchema, policySchema } from '../../policy/document.js'
import { identifier } from '../../records/schema-types.js'
import { endpoint } from '../endpoint.js'

const agentParams = z.strictObject({ agent: identifier.describe('The agent the policy applies to.') })

const agentPolicy = z.strictObject({
  agent: identifier,
  policy: policySchema.nullable().describe('The policy that applies to the agent now; null: none.'),
  source: z.enum(['agent', 'defaults', 'none']).describe('Whether it is the agent\'s own policy, the defaults, or none.')
})

const defaultsPolicy = z.strictObject({ policy: policySchema.nullable() })

const changed = 'A body that is JSON but not a valid policy is 400 POLICY_INVALID, naming what is wrong.'

export const policyEndpoints = {
  getPolicies: endpoint({
    id: 'getPolicies', method: 'GET', path: '/v1/policies', tag: 'policies', auth: 'operator',
    summary: 'The whole policy document: the defaults and every agent\'s own policy.',
    response: policyDocumentSchema
  }),
  getDefaultPolicy: endpoint({
    id: 'getDefaultPolicy', method: 'GET', path: '/v1/policies/defaults', tag: 'policies', auth: 'operator',
    summary: 'The policy of every agent that has none of its own.',
    response: defaultsPolicy
  }),
  setDefaultPolicy: endpoint({
    id: 'setDefaultPolicy', method: 'PUT', path: '/v1/policies/defaults', tag: 'policies', auth: 'operator',
    summary: 'Replace the defaults with the body ({} for no rules).',
    description: `Replace the defaults with the body ({} for no rules). ${changed}`,
    body: policySchema,
    invalidBody: 'POLICY_INVALID',
    response: defaultsPolicy,
    errors: ['POLICY_INVALID']
  }),
  clearDefaultPolicy: endpoint({
    id: 'clearDefaultPolicy', method: 'DELETE', path: '/v1/policies/defaults', tag: 'policies', auth: 'operator',
    summary: 'Remove the defaults: agents without a policy of their own have none.',
    response: defaultsPolicy
  }),
  getAgentPolicy: endpoint({
    id: 'getAgentPolicy', method: 'GET', path: '/v1/policies/agents/{agent}', tag: 'policies', auth: 'operator',
    summary: 'The policy that applies to an agent, and where it comes from.',
    params: agentParams,
    response: agentPolicy
  }),
  setAgentPolicy: endpoint({
    id: 'setAgentPolicy', method: 'PUT', path: '/v1/policies/agents/{agent}', tag: 'policies', auth: 'operator',
    summary: 'Replace an agent\'s own policy with the body ({} for no rules).',
    description: `Replace an agent's own policy with the body ({} for no rules). ${changed}`,
    params: agentParams,
    body: policySchema,
    invalidBody: 'POLICY_INVALID',
    response: agentPolicy,
    errors: ['POLICY_INVALID']
  }),
  clearAgentPolicy: endpoint({
    id: 'clearAgentPolicy', method: 'DELETE', path: '/v1/policies/agents/{agent}', tag: 'policies', auth: 'operator',
    summary: 'Remove an agent\'s own policy (the defaults apply).',
    params: agentParams,
    response: agentPolicy
  })
}
