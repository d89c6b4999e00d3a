// The node's own endpoints: health, status, the OpenAPI document, agent cards and discovery.
import { z } from 'zod'
import { capability } from '../../records/kinds/agent-card.js'
import { identifier, orgId, timestamp } from '../../records/schema-types.js'
import { endpoint } from '../endpoint.js'
import { cidJson } from '../json.js'

export const cardInput = z.strictObject({
  agent: identifier.optional().describe('The agent the card describes. An agent token publishes its own card (omit it or give the same name); the operator names one.'),
  capabilities: z.array(capability).min(1).max(32),
  summary: z.string().max(280).default(''),
  ttlSeconds: z.number().int().min(60).max(365 * 86400).default(86400).describe('How long the card is valid.')
})

export const cardView = z.object({
  cid: cidJson,
  v: z.literal(1),
  org: orgId,
  agent: identifier,
  capabilities: z.array(z.string()),
  summary: z.string(),
  addresses: z.array(z.string()),
  expires: timestamp,
  seq: z.number().int()
}).meta({ title: 'AgentCard' })

export const discoveredAgent = z.object({
  org: orgId,
  agent: z.string(),
  capabilities: z.array(z.string()),
  summary: z.string(),
  addresses: z.array(z.string()),
  expires: timestamp,
  cid: cidJson,
  rank: z.number().describe('Discovery\'s own order among agents of equal score (higher first).'),
  score: z.number().min(0).max(100).describe('The org\'s score in this org\'s reputation view (GET /v1/reputation/{org}); a stranger\'s score for an org never dealt with.'),
  standing: z.enum(['unvetted', 'vetted', 'flagged'])
})

export const nodeEndpoints = {
  health: endpoint({
    id: 'health', method: 'GET', path: '/v1/health', tag: 'node', auth: 'public',
    summary: 'Liveness: answers while the node runs.',
    response: z.object({ ok: z.literal(true) })
  }),
  openapi: endpoint({
    id: 'openapi', method: 'GET', path: '/v1/openapi.json', tag: 'node', auth: 'public',
    summary: 'This document: OpenAPI 3.1, generated from the schemas that validate every request.',
    response: z.record(z.string(), z.unknown())
  }),
  status: endpoint({
    id: 'status', method: 'GET', path: '/v1/status', tag: 'node', auth: 'agent',
    summary: 'The node: org (peer id), network, addresses, peers, log head, API address.',
    response: z.object({
      software: z.string(),
      peerId: orgId,
      network: z.string(),
      addresses: z.array(z.string()),
      connectedPeers: z.number().int(),
      routingTableSize: z.number().int(),
      log: z.object({ seq: z.number().int(), cid: cidJson.nullable() }),
      api: z.string().nullable()
    })
  }),
  discover: endpoint({
    id: 'discover', method: 'GET', path: '/v1/discover', tag: 'discovery', auth: 'agent',
    summary: 'Other orgs\' agents offering a capability: verified, live cards, ranked by the caller\'s reputation view.',
    description: 'Other orgs\' agents offering a capability: only cards that verify (signed by the org that served them), are live and offer the capability. Each agent carries its org\'s score in this org\'s reputation view (the observer is this org; the same view as GET /v1/reputation/{org}) and its standing; the list is sorted by that score, highest first, then by discovery\'s own rank, org and agent name.',
    query: z.strictObject({ capability, limit: z.coerce.number().int().min(1).max(100).optional().describe('How many orgs to ask (each may list several agents). @default 20') }),
    response: z.object({ capability: z.string(), agents: z.array(discoveredAgent) })
  }),
  listCards: endpoint({
    id: 'listCards', method: 'GET', path: '/v1/cards', tag: 'cards', auth: 'operator',
    summary: 'This org\'s current agent cards.',
    response: z.object({ cards: z.array(cardView) })
  }),
  publishCard: endpoint({
    id: 'publishCard', method: 'POST', path: '/v1/cards', tag: 'cards', auth: 'agent', status: 201,
    summary: 'Publish or update an agent card: signed, recorded in the log, gossiped, advertised in the DHT.',
    body: cardInput,
    response: cardView
  }),
  getCard: endpoint({
    id: 'getCard', method: 'GET', path: '/v1/cards/{agent}', tag: 'cards', auth: 'agent',
    summary: 'One agent\'s current card (an agent token sees only its own).',
    params: z.strictObject({ agent: identifier }),
    response: cardView
  })
}
