// Agents and their webhooks. Agents are registered by the operator (or `asp agent add`); each gets
// a bearer token shown once. A webhook receives every event of its agent, signed.
import { z } from 'zod'
import { identifier, timestamp } from '../../records/schema-types.js'
import { endpoint } from '../endpoint.js'

export const agentName = identifier.describe('An agent\'s name inside its org: lowercase letters, digits and dashes.')

const webhookView = z.object({
  agent: agentName,
  url: z.string(),
  created: timestamp,
  deliveredThrough: z.string().nullable().describe('Id of the last event the receiver acknowledged.'),
  failures: z.number().int().describe('Failed attempts in a row for the next event.'),
  nextAttemptAt: timestamp.nullable(),
  lastError: z.string().nullable()
})

const agentQuery = z.strictObject({ agent: agentName.optional().describe('Operator only: whose webhook.') })

export const agentEndpoints = {
  listAgents: endpoint({
    id: 'listAgents', method: 'GET', path: '/v1/agents', tag: 'agents', auth: 'operator',
    summary: 'The registered agents (names only; tokens are stored hashed).',
    response: z.object({ agents: z.array(z.object({ name: agentName, created: timestamp })) })
  }),
  addAgent: endpoint({
    id: 'addAgent', method: 'POST', path: '/v1/agents', tag: 'agents', auth: 'operator', status: 201,
    summary: 'Register an agent; its token is in this answer and nowhere else.',
    body: z.strictObject({ name: agentName }),
    response: z.object({ name: agentName, token: z.string(), created: timestamp }),
    errors: ['API_AGENT_EXISTS']
  }),
  whoami: endpoint({
    id: 'whoami', method: 'GET', path: '/v1/me', tag: 'agents', auth: 'agent',
    summary: 'Who the token belongs to: an agent of this org, or the operator.',
    response: z.object({ kind: z.enum(['agent', 'operator']), agent: agentName.nullable(), org: z.string() })
  }),
  getWebhook: endpoint({
    id: 'getWebhook', method: 'GET', path: '/v1/webhook', tag: 'webhooks', auth: 'agent',
    summary: 'The agent\'s webhook and its delivery state.',
    query: agentQuery,
    response: webhookView
  }),
  setWebhook: endpoint({
    id: 'setWebhook', method: 'PUT', path: '/v1/webhook', tag: 'webhooks', auth: 'agent',
    summary: 'Register (or replace) the agent\'s webhook. Events from now on are POSTed to it, signed with the secret in this answer.',
    body: z.strictObject({ agent: agentName.optional(), url: z.url({ protocol: /^https?$/ }).max(2048) }),
    response: webhookView.extend({ secret: z.string().describe('HMAC-SHA256 key of the ASP-Signature header; shown only here.') })
  }),
  deleteWebhook: endpoint({
    id: 'deleteWebhook', method: 'DELETE', path: '/v1/webhook', tag: 'webhooks', auth: 'agent',
    summary: 'Stop delivering the agent\'s events to its webhook.',
    query: agentQuery,
    response: z.object({ deleted: z.boolean() })
  })
}
