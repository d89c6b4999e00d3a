// The node's local HTTP server on 127.0.0.1 (fastify). Every route needs a bearer token except
// /v1/health. This issue serves the operator's routes; the agents' API extends the same server.
import { createHash, timingSafeEqual } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import { problem, problemFor, sendProblem } from './problem.js'

export interface ApiOptions {
  host: string
  port: number
  operatorToken: string
}

export interface Api {
  readonly url: string
  readonly app: FastifyInstance
  close(): Promise<void>
}

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest()

export async function startApi (options: ApiOptions, register: (app: FastifyInstance) => void): Promise<Api> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 })
  const operator = digest(options.operatorToken)

  app.setErrorHandler((err, _request, reply) => sendProblem(reply, problemFor(err)))
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problem('API_NOT_FOUND', 'Not found', `${request.method} ${request.url}`)))
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public === true) return
    const header = request.headers.authorization ?? ''
    const token = header.startsWith('Bearer ') ? header.slice(7) : ''
    // Compare digests: equal length, constant time, whatever the caller sent.
    if (token.length === 0 || !timingSafeEqual(digest(token), operator)) {
      return sendProblem(reply, problem('API_UNAUTHORIZED', 'Unauthorized', 'a valid bearer token is required'))
    }
  })
  register(app)
  await app.listen({ host: options.host, port: options.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  return { url: `http://${options.host}:${port}`, app, close: async () => app.close() }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without a token. */
    public?: boolean
  }
}
