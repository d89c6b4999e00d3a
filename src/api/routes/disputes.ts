// Handlers of the disputes' endpoints. An agent sees (and opens) the disputes of the commitments
// of its sessions; the operator all the node holds.
import type { ApiContext } from '../context.js'
import { canSeeCommitment, disputeJson } from '../consequence-view.js'
import { disputeEndpoints as e } from '../contract/disputes.js'
import { ApiError } from '../problem.js'
import { route, type Route } from '../route.js'

export function disputeRoutes (ctx: ApiContext): Route[] {
  const { node } = ctx
  const { book } = node.consequences
  return [
    route(e.listDisputes, async ({ query, principal }) => {
      const disputes = [...book.disputes.values()]
        .filter((d) => (query.commitment === undefined || d.value.commitment.toString() === query.commitment) && canSeeCommitment(node, principal, d.value.commitment.toString()))
        .sort((a, b) => b.value.openedAt - a.value.openedAt)
        .map((d) => disputeJson(node, d))
        .filter((d) => query.status === undefined || d.status === query.status)
      return { disputes: disputes as never }
    }),
    route(e.getDispute, async ({ params, principal }) => {
      const dispute = book.disputes.get(params.id)
      if (dispute === undefined || !canSeeCommitment(node, principal, dispute.value.commitment.toString())) throw new ApiError('API_NOT_FOUND', `no dispute ${params.id}`)
      return disputeJson(node, dispute) as never
    }),
    route(e.openDispute, async ({ body, principal }) => {
      if (principal.kind !== 'operator' && !canSeeCommitment(node, principal, body.commitment)) throw new ApiError('API_NOT_FOUND', `no commitment ${body.commitment}`)
      return disputeJson(node, await node.consequences.openDispute(body)) as never
    })
  ]
}
