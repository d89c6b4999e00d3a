// Handlers of the events' endpoints: the SSE stream and its polling twin.
import type { ApiContext } from '../context.js'
import { eventEndpoints as e } from '../contract/events.js'
import { concerns } from '../event-journal.js'
import { ApiError } from '../problem.js'
import { RAW, route, type Route } from '../route.js'

export function eventRoutes (ctx: ApiContext): Route[] {
  return [
    route(e.events, async ({ query, principal, request, reply }) => {
      const header = request.headers['last-event-id']
      const from = typeof header === 'string' && header.length > 0 ? header : query.after ?? '0'
      if (!/^[0-9]{1,16}$/.test(from)) throw new ApiError('API_REQUEST_INVALID', 'Last-Event-ID is an event id (digits)')
      await ctx.streams.serve(reply, principal, Number(from))
      return RAW
    }),
    route(e.listEvents, async ({ query, principal }) => {
      const events = []
      for await (const event of ctx.journal.read(Number(query.after), (x) => concerns(principal, x), query.limit)) events.push(event)
      return { events }
    })
  ]
}
