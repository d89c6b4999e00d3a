// Binds an endpoint's contract to its handler on the fastify server: authentication first, then
// params, query and body through the endpoint's schemas, Idempotency-Key for state-changing
// methods, and the answer through the response schema. A handler sees only checked, typed input.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { principalId, type Authenticator, type Principal } from './auth.js'
import { changesState, fastifyPath, type Endpoint } from './endpoint.js'
import { requestHash, type Idempotency, type Outcome } from './idempotency.js'
import { ApiError, invalid } from './problem.js'

type Out<S> = S extends z.ZodType ? z.output<S> : undefined
type In<S> = S extends z.ZodType ? z.input<S> : undefined

export interface HandlerInput<E extends Endpoint> {
  params: E extends Endpoint<infer P> ? Out<P> : never
  query: E extends Endpoint<z.ZodType, infer Q> ? Out<Q> : never
  body: E extends Endpoint<z.ZodType, z.ZodType, infer B> ? Out<B> : never
  principal: Principal
  request: FastifyRequest
  reply: FastifyReply
}

/** Returns the answer (checked against the response schema), or RAW when it answered on `reply` itself. */
export type Handler<E extends Endpoint> = (input: HandlerInput<E>) => Promise<(E extends Endpoint<z.ZodType, z.ZodType, z.ZodType, infer R> ? In<R> : never) | typeof RAW>

export const RAW = Symbol('answered on the reply')

export interface Route {
  endpoint: Endpoint
  handler: Handler<Endpoint>
}

export function route<E extends Endpoint> (endpoint: E, handler: Handler<E>): Route {
  return { endpoint, handler: handler as unknown as Handler<Endpoint> }
}

export interface RouteDeps {
  auth: Authenticator
  idempotency: Idempotency
}

function check<S extends z.ZodType | undefined> (schema: S, value: unknown, where: string, code?: string): unknown {
  if (schema === undefined) return undefined
  if (where === 'body' && value === undefined) throw new ApiError('API_REQUEST_INVALID', 'this endpoint takes a JSON body')
  const parsed = schema.safeParse(value ?? {})
  if (!parsed.success) throw invalid(parsed.error.issues, where, code)
  return parsed.data
}

export function registerRoute (app: FastifyInstance, { endpoint: e, handler }: Route, deps: RouteDeps): void {
  app.route({
    method: e.method,
    url: fastifyPath(e.path),
    onRequest: async (request) => {
      if (e.auth === 'public') return
      const principal = await deps.auth.principal(request.headers.authorization)
      if (e.auth === 'operator' && principal.kind !== 'operator') throw new ApiError('API_FORBIDDEN', 'this endpoint needs the operator token')
      request.principal = principal
    },
    handler: async (request, reply) => {
      const input = {
        params: check(e.params, request.params, 'params'),
        query: check(e.query, request.query, 'query'),
        body: check(e.body, request.body, 'body', e.invalidBody),
        principal: request.principal ?? { kind: 'anonymous' },
        request,
        reply
      } as HandlerInput<Endpoint>
      const exec = async (): Promise<Outcome | typeof RAW> => {
        const out = await handler(input)
        if (out === RAW) return RAW
        const answer = e.response.safeParse(out)
        if (!answer.success) throw new ApiError('API_RESPONSE_INVALID', `${e.id}: ${answer.error.issues[0]?.path.join('.') ?? ''} ${answer.error.issues[0]?.message ?? ''}`)
        return { status: e.status ?? 200, body: answer.data }
      }
      const key = request.headers['idempotency-key']
      let outcome: Outcome | typeof RAW
      if (changesState(e.method) && typeof key === 'string' && request.principal !== undefined) {
        const done = await deps.idempotency.run(principalId(request.principal), key, requestHash(e.method, request.url, request.body), async () => {
          const o = await exec()
          if (o === RAW) throw new Error(`${e.id} answers raw and cannot be idempotent`)
          return o
        })
        if (done.replayed) void reply.header('idempotent-replayed', 'true')
        outcome = done
      } else {
        outcome = await exec()
      }
      if (outcome === RAW) return reply
      return reply.code(outcome.status).send(outcome.body)
    }
  })
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal
  }
}
