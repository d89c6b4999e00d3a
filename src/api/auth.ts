// Who is calling: the operator (the token in <data-dir>/operator.token) or one registered agent
// (agents.json). An agent acts only as itself and sees only what concerns it.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { AgentRegistry } from './agent-registry.js'
import { ApiError } from './problem.js'

/** Who calls. `anonymous` is the caller of a public endpoint (health, the OpenAPI document): no rights. */
export type Principal = { kind: 'operator' } | { kind: 'agent', name: string } | { kind: 'anonymous' }

/** The key its idempotency records are filed under. */
export function principalId (p: Principal): string {
  return p.kind === 'agent' ? `agent:${p.name}` : p.kind
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest()

export class Authenticator {
  private readonly operator: Buffer

  constructor (operatorToken: string, private readonly agents: AgentRegistry) {
    this.operator = digest(operatorToken)
  }

  async principal (authorization: string | undefined): Promise<Principal> {
    const header = authorization ?? ''
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : ''
    if (token.length === 0) throw new ApiError('API_UNAUTHORIZED', 'a bearer token is required (Authorization: Bearer <token>)')
    // Compare digests: equal length, constant time, whatever the caller sent.
    if (timingSafeEqual(digest(token), this.operator)) return { kind: 'operator' }
    const agent = await this.agents.agentOf(token)
    if (agent === undefined) throw new ApiError('API_UNAUTHORIZED', 'the token is not valid on this node')
    return { kind: 'agent', name: agent }
  }
}

/**
 * The agent a request acts as: an agent token acts as its own agent (naming another is refused);
 * the operator names the agent.
 */
export function actingAgent (principal: Principal, named: string | undefined): string {
  if (principal.kind === 'anonymous') throw new ApiError('API_UNAUTHORIZED', 'a bearer token is required')
  if (principal.kind === 'agent') {
    if (named !== undefined && named !== principal.name) throw new ApiError('API_FORBIDDEN', `this token acts as ${principal.name}, not ${named}`)
    return principal.name
  }
  if (named === undefined) throw new ApiError('API_REQUEST_INVALID', 'the operator names the agent to act as (field "agent")')
  return named
}
