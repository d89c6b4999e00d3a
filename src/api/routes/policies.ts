// Handlers of the policies' endpoints (operator only). The body was checked against the policy
// schema already (POLICY_INVALID otherwise); the store checks it again, records the change in the
// log and writes policies.json.
import type { ApiContext } from '../context.js'
import { policyEndpoints as e } from '../contract/policies.js'
import { route, type Route } from '../route.js'

export function policyRoutes (ctx: ApiContext): Route[] {
  const { policies } = ctx.node.guardrails
  const ofAgent = (agent: string): { agent: string, policy: never, source: 'agent' | 'defaults' | 'none' } => {
    const { policy, source } = policies.policyFor(agent)
    return { agent, policy: (policy ?? null) as never, source }
  }
  return [
    route(e.getPolicies, async () => policies.document as never),
    route(e.getDefaultPolicy, async () => ({ policy: (policies.document.defaults ?? null) as never })),
    route(e.setDefaultPolicy, async ({ body }) => ({ policy: await policies.set(null, body) as never })),
    route(e.clearDefaultPolicy, async () => {
      await policies.set(null, null)
      return { policy: null }
    }),
    route(e.getAgentPolicy, async ({ params }) => ofAgent(params.agent)),
    route(e.setAgentPolicy, async ({ params, body }) => {
      await policies.set(params.agent, body)
      return ofAgent(params.agent)
    }),
    route(e.clearAgentPolicy, async ({ params }) => {
      await policies.set(params.agent, null)
      return ofAgent(params.agent)
    })
  ]
}
