// Handlers of the node's endpoints: health, status, OpenAPI, cards and discovery.
import type { SignedRecord } from '../../records/record.js'
import type { AgentCard } from '../../records/kinds/index.js'
import { actingAgent } from '../auth.js'
import type { ApiContext } from '../context.js'
import { nodeEndpoints as e } from '../contract/node.js'
import { ApiError } from '../problem.js'
import { route, type Route } from '../route.js'

function cardJson (card: SignedRecord<AgentCard>): Record<string, unknown> {
  const { sig: _sig, ...value } = card.value
  return { cid: card.cid.toString(), ...value }
}

export function nodeRoutes (ctx: ApiContext): Route[] {
  const { node } = ctx
  return [
    route(e.health, async () => ({ ok: true as const })),
    route(e.openapi, async () => ctx.openapi),
    route(e.status, async () => node.status()),
    route(e.discover, async ({ query }) => {
      const found = await node.discover(query.capability, { limit: query.limit })
      // Ranked by this org's view of each org; discovery's own order breaks ties (the sort is stable).
      const agents = found.map((a) => {
        const score = node.reputation.score(a.org)
        return { ...a, score: score?.score ?? 0, standing: score?.standing ?? 'unvetted' as const }
      }).sort((a, b) => b.score - a.score)
      return { capability: query.capability, agents }
    }),
    route(e.listCards, async () => ({ cards: node.currentCards().map(cardJson) as never })),
    route(e.publishCard, async ({ body, principal }) => {
      const agent = actingAgent(principal, body.agent)
      return cardJson(await node.publishCard({ agent, capabilities: body.capabilities, summary: body.summary, ttlMs: body.ttlSeconds * 1000 })) as never
    }),
    route(e.getCard, async ({ params, principal }) => {
      const card = principal.kind === 'agent' && principal.name !== params.agent ? undefined : node.currentCards().find((c) => c.value.agent === params.agent)
      if (card === undefined) throw new ApiError('API_NOT_FOUND', `no current card of ${params.agent}`)
      return cardJson(card) as never
    })
  ]
}
