// Handlers of the agents' endpoints: registering agents, who am I, and webhooks.
import { addAgent, listAgents } from '../agent-registry.js'
import { actingAgent } from '../auth.js'
import type { ApiContext } from '../context.js'
import { agentEndpoints as e } from '../contract/agents.js'
import { ApiError } from '../problem.js'
import { route, type Route } from '../route.js'
import { webhookView } from '../webhooks.js'

export function agentRoutes (ctx: ApiContext): Route[] {
  const { webhooks } = ctx
  const known = async (agent: string): Promise<string> => {
    if (!await ctx.agents.has(agent)) throw new ApiError('API_NOT_FOUND', `no agent ${agent} is registered`)
    return agent
  }
  return [
    route(e.listAgents, async () => ({ agents: await listAgents(ctx.dataDir) })),
    route(e.addAgent, async ({ body }) => {
      const added = await addAgent(ctx.dataDir, body.name, ctx.node.clock.now())
      await ctx.agents.load()
      return added
    }),
    route(e.whoami, async ({ principal }) => {
      if (principal.kind === 'anonymous') throw new ApiError('API_UNAUTHORIZED', 'a bearer token is required')
      return { kind: principal.kind, agent: principal.kind === 'agent' ? principal.name : null, org: ctx.node.key.orgId }
    }),
    route(e.getWebhook, async ({ query, principal }) => {
      const hook = webhooks.get(actingAgent(principal, query.agent))
      if (hook === undefined) throw new ApiError('API_NOT_FOUND', 'no webhook is registered')
      return webhookView(hook)
    }),
    route(e.setWebhook, async ({ body, principal }) => {
      const hook = await webhooks.set(await known(actingAgent(principal, body.agent)), body.url)
      return { ...webhookView(hook), secret: hook.secret }
    }),
    route(e.deleteWebhook, async ({ query, principal }) => ({ deleted: await webhooks.remove(actingAgent(principal, query.agent)) }))
  ]
}
