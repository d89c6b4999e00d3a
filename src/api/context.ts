// What the route handlers work with: the node, and the API's own parts.
import type { AspNode } from '../node.js'
import type { AgentRegistry } from './agent-registry.js'
import type { EventJournal } from './event-journal.js'
import type { SessionEvents } from './session-events.js'
import type { EventStreams } from './event-streams.js'
import type { Webhooks } from './webhooks.js'

export interface ApiContext {
  node: AspNode
  dataDir: string
  agents: AgentRegistry
  journal: EventJournal
  sessionEvents: SessionEvents
  webhooks: Webhooks
  streams: EventStreams
  /** The OpenAPI document, generated once at start. */
  openapi: Record<string, unknown>
}
