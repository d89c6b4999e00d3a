// Every endpoint of the local API, by operationId. The server registers these, the OpenAPI
// document lists these, and the typed client calls these.
import { agentEndpoints } from './agents.js'
import { approvalEndpoints } from './approvals.js'
import { commitmentEndpoints } from './commitments.js'
import { disputeEndpoints } from './disputes.js'
import { eventEndpoints } from './events.js'
import { logEndpoints } from './log.js'
import { nodeEndpoints } from './node.js'
import { policyEndpoints } from './policies.js'
import { reputationEndpoints } from './reputation.js'
import { sessionEndpoints } from './sessions.js'

export const endpoints = {
  ...nodeEndpoints,
  ...agentEndpoints,
  ...sessionEndpoints,
  ...commitmentEndpoints,
  ...disputeEndpoints,
  ...reputationEndpoints,
  ...approvalEndpoints,
  ...policyEndpoints,
  ...eventEndpoints,
  ...logEndpoints
}

export type Endpoints = typeof endpoints
export type EndpointId = keyof Endpoints
