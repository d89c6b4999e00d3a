// Events: what happened that concerns an agent (or, for the operator, anything), as server-sent
// events resumable with Last-Event-ID. Webhooks receive the same events.
import { z } from 'zod'
import { timestamp } from '../../records/schema-types.js'
import { endpoint } from '../endpoint.js'

export const EVENT_TYPES = [
  // From the sessions' transcripts (session-events.ts).
  'message.received', 'message.sent', 'session.phase', 'session.escalated', 'commitment.signed',
  // From the consequence and approval records in the log (record-events.ts).
  'commitment.attested', 'obligation.confirmed', 'dispute.opened', 'dispute.ruled', 'approval.needed', 'approval.decided',
  // From the clock (due-events.ts).
  'obligation.due',
  // The stream only.
  'events.gap'
] as const

export const eventSchema = z.object({
  id: z.string().regex(/^[0-9]+$/).describe('Increasing; the SSE id and the webhook de-duplication key.'),
  type: z.enum(EVENT_TYPES).describe('What happened; data depends on it (docs/agents.md, "Events"). Ignore types you do not know.'),
  ts: timestamp,
  agents: z.array(z.string()).describe('The agents of this org the event concerns.'),
  data: z.record(z.string(), z.unknown())
}).meta({ title: 'Event' })

export type ApiEvent = z.infer<typeof eventSchema>

export const eventEndpoints = {
  events: endpoint({
    id: 'events', method: 'GET', path: '/v1/events', tag: 'events', auth: 'agent',
    summary: 'Server-sent events of the caller (an agent: its own; the operator: all). Send Last-Event-ID (header) or ?after= to resume.',
    query: z.strictObject({ after: z.string().regex(/^[0-9]+$/).optional().describe('Resume after this event id (as Last-Event-ID).') }),
    produces: 'text/event-stream',
    response: eventSchema.describe('Each SSE message: id = event id, event = type, data = this JSON.')
  }),
  listEvents: endpoint({
    id: 'listEvents', method: 'GET', path: '/v1/events/list', tag: 'events', auth: 'agent',
    summary: 'The same events as a page of JSON, for callers that poll.',
    query: z.strictObject({
      after: z.string().regex(/^[0-9]+$/).default('0'),
      limit: z.coerce.number().int().min(1).max(1000).default(100)
    }),
    response: z.object({ events: z.array(eventSchema) })
  })
}
