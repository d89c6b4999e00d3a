// An agent card: an org's signed advertisement of one of its agents and what it can do.
import { z } from 'zod'
import { singleSignerKind } from '../kind.js'
import { identifier, orgId, positiveInt, signature, timestamp } from '../schema-types.js'

export const capability = z.string().regex(/^[a-z][a-z0-9-]{0,31}(:[a-z0-9][a-z0-9-]{0,63})?$/)
  .describe('A capability such as "sell:gpu-hours", "buy:gpu-hours" or "arbiter".')

export const agentCardSchema = z.strictObject({
  v: z.literal(1),
  org: orgId.describe('The org the agent belongs to; it signs the card.'),
  agent: identifier.describe('The agent\'s name inside its org.'),
  capabilities: z.array(capability).min(1).max(32),
  summary: z.string().max(280).describe('A line for humans.'),
  addresses: z.array(z.string().min(1).max(256)).max(16).describe('Multiaddrs where the org\'s node listens.'),
  expires: timestamp.describe('After this time the card is not to be used.'),
  seq: positiveInt.describe('Higher replaces lower for the same org and agent.'),
  sig: signature
}).meta({ title: 'agent-card' })

export type AgentCard = z.infer<typeof agentCardSchema>

export const agentCardKind = singleSignerKind<AgentCard>({
  name: 'agent-card',
  description: 'An org\'s signed advertisement of one agent and its capabilities.',
  schema: agentCardSchema,
  maxBytes: 8 * 1024,
  signer: (c) => c.org
})
