// The node's local HTTP server on 127.0.0.1 (fastify): every endpoint of contract/, its events
// (journal, SSE, webhooks) and its state (api-state/). Starts after the node's sessions,
// consequences and guardrails (it follows their events) and stops before them.
import Fastify, { type FastifyInstance } from 'fastify'
import { logger } from '@libp2p/logger'
import type { NodeConfig } from '../config.js'
import type { AspNode } from '../node.js'
import { AgentRegistry } from './agent-registry.js'
import { Authenticator } from './auth.js'
import type { ApiContext } from './context.js'
import { EventJournal } from './event-journal.js'
import { EventStreams } from './event-streams.js'
import { Idempotency } from './idempotency.js'
import { openApiDocument } from './openapi.js'
import { DueEvents } from './due-events.js'
import { problem, problemFor, sendProblem } from './problem.js'
import { RecordEvents } from './record-events.js'
import { registerRoute } from './route.js'
import { agentRoutes } from './routes/agents.js'
import { approvalRoutes } from './routes/approvals.js'
import { commitmentRoutes } from './routes/commitments.js'
import { disputeRoutes } from './routes/disputes.js'
import { eventRoutes } from './routes/events.js'
import { logRoutes } from './routes/log.js'
import { nodeRoutes } from './routes/node.js'
import { policyRoutes } from './routes/policies.js'
import { reputationRoutes } from './routes/reputation.js'
import { sessionRoutes } from './routes/sessions.js'
import { SessionEvents } from './session-events.js'
import { ApiStore } from './store.js'
import { Webhooks } from './webhooks.js'

const trace = logger('asp:api')

const PRUNE_INTERVAL_MS = 60_000

export interface ApiOptions {
  dataDir: string
  operatorToken: string
  config: NodeConfig['api']
}

export interface Api {
  readonly url: string
  readonly app: FastifyInstance
  readonly context: ApiContext
  close(): Promise<void>
}

export async function startApi (options: ApiOptions, node: AspNode): Promise<Api> {
  const { config } = options
  const store = await ApiStore.open(options.dataDir)
  const journal = new EventJournal(store, { retention: config.eventRetention, retentionMs: config.eventRetentionMs, clock: node.clock })
  await journal.open()
  const sessionEvents = new SessionEvents(node.sessions, node.log, journal, store)
  const recordEvents = new RecordEvents(node, journal, store)
  const dueEvents = new DueEvents(node, journal, store, node.config.disputes.watchdogIntervalMs)
  const webhooks = new Webhooks(store, journal, { timeoutMs: config.webhookTimeoutMs, backoffMinMs: config.webhookBackoffMinMs, backoffMaxMs: config.webhookBackoffMaxMs, clock: node.clock })
  const agents = new AgentRegistry(options.dataDir)
  await agents.load()
  const idempotency = new Idempotency(store, config.idempotencyRetentionMs, node.clock)
  const ctx: ApiContext = { node, dataDir: options.dataDir, agents, journal, sessionEvents, webhooks, streams: new EventStreams(journal), openapi: {} }
  const routes = [
    ...nodeRoutes(ctx), ...agentRoutes(ctx), ...sessionRoutes(ctx), ...commitmentRoutes(ctx), ...disputeRoutes(ctx),
    ...reputationRoutes(ctx), ...approvalRoutes(ctx), ...policyRoutes(ctx), ...eventRoutes(ctx), ...logRoutes(ctx)
  ]
  ctx.openapi = openApiDocument(routes.map((r) => r.endpoint))

  const app = Fastify({ logger: false, bodyLimit: config.bodyLimitBytes, return503OnClosing: true, exposeHeadRoutes: false })
  app.setErrorHandler((err, _request, reply) => {
    const p = problemFor(err)
    if (p.status >= 500) trace('internal error: %s', (err as Error).stack)
    return sendProblem(reply, p)
  })
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problem('API_NOT_FOUND', 'No such route', `${request.method} ${request.url.split('?')[0]}`)))
  app.addHook('preClose', async () => ctx.streams.closeAll())
  const auth = new Authenticator(options.operatorToken, agents)
  for (const r of routes) registerRoute(app, r, { auth, idempotency })

  const followers = [sessionEvents, recordEvents, dueEvents]
  const stopFollowing = async (): Promise<void> => {
    for (const f of [...followers].reverse()) await f.stop()
  }
  for (const f of followers) await f.start()
  await webhooks.start()
  const pruning = setInterval(() => {
    idempotency.prune().catch((err: Error) => trace('idempotency pruning failed: %s', err.message))
    journal.prune().catch((err: Error) => trace('event pruning failed: %s', err.message))
  }, PRUNE_INTERVAL_MS)
  pruning.unref()
  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (err) {
    clearInterval(pruning)
    await webhooks.stop()
    await stopFollowing()
    await store.close()
    throw err
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.port
  let closing: Promise<void> | null = null
  return {
    url: `http://${config.host}:${port}`,
    app,
    context: ctx,
    close: async () => {
      closing ??= (async () => {
        clearInterval(pruning)
        await app.close()
        await webhooks.stop()
        await stopFollowing()
        await journal.flush()
        await store.close()
      })()
      return closing
    }
  }
}
