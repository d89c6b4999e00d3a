// Handlers of the reputation endpoints: this org's view of the others.
import type { ApiContext } from '../context.js'
import { reputationEndpoints as e } from '../contract/reputation.js'
import { ApiError } from '../problem.js'
import { route, type Route } from '../route.js'

export function reputationRoutes (ctx: ApiContext): Route[] {
  const { node } = ctx
  return [
    route(e.reputationTable, async () => ({ observer: node.key.orgId, at: node.clock.now(), subjects: node.reputation.table() as never })),
    route(e.getReputation, async ({ params }) => {
      const score = node.reputation.score(params.org)
      if (score === undefined) throw new ApiError('API_REQUEST_INVALID', 'an org does not score itself')
      return score as never
    })
  ]
}
