// Every endpoint of the local API, by operationId. The server registers these, the OpenAPI
// document lists these, and the typed client calls these.
import { agentEndpoints } from './agents.js'
import { eventEndpoints } from './events.js'
import { logEndpoints } from './log.js'
import { nodeEndpoints } from './node.js'
import { sessionEndpoints } from './sessions.js'

export const endpoints = {
  ...nodeEndpoints,
  ...agentEndpoints,
  ...sessionEndpoints,
  ...eventEndpoints,
  ...logEndpoints
}

export type Endpoints = typeof endpoints
export type EndpointId = keyof Endpoints
