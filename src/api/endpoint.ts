// An endpoint of the local API, declared once: method, path, who may call it, and zod schemas of
// its path parameters, query, body and answer. The server validates requests and answers with
// these schemas, the OpenAPI document is generated from them, and the typed client is typed by
// them. This file holds no server code, so the client can import the contracts alone.
import type { z } from 'zod'

/** public: no token. operator: the operator token only. agent: an agent token, or the operator's. */
export type Auth = 'public' | 'operator' | 'agent'

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

export type MediaType = 'application/json' | 'text/event-stream' | 'application/vnd.ipld.car'

export interface Endpoint<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType
> {
  /** The OpenAPI operationId, and the typed client's method name. */
  id: string
  method: Method
  /** OpenAPI form: /v1/sessions/{id}. */
  path: string
  tag: string
  summary: string
  description?: string
  auth: Auth
  params?: P
  query?: Q
  body?: B
  /**
   * The code of a body that is JSON but fails its schema, when the body is a document of its own
   * with a code of its own (a policy: POLICY_INVALID). @default 'API_REQUEST_INVALID'
   */
  invalidBody?: string
  /** The answer's body (JSON), or for other media types a description of what is streamed. */
  response: R
  /** Status of a successful answer. @default 200 */
  status?: number
  /** @default 'application/json' */
  produces?: MediaType
  /** Error codes this endpoint may answer with beyond the common ones (auth, validation). */
  errors?: readonly string[]
}

export function endpoint<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> (e: Endpoint<P, Q, B, R>): Endpoint<P, Q, B, R> {
  return e
}

/** True for the methods that change state: they honour Idempotency-Key. */
export function changesState (method: Method): boolean {
  return method !== 'GET'
}

type In<S> = S extends z.ZodType ? z.input<S> : never
type Out<S> = S extends z.ZodType ? z.output<S> : never

/** What a caller sends to an endpoint (the client's argument). */
export type RequestOf<E> = E extends Endpoint<infer P, infer Q, infer B, z.ZodType>
  ? (unknown extends In<P> ? object : { params: In<P> }) & (unknown extends In<Q> ? object : { query?: In<Q> }) & (unknown extends In<B> ? object : { body: In<B> })
  : never

/** What a caller gets back. */
export type ResponseOf<E> = E extends Endpoint<z.ZodType, z.ZodType, z.ZodType, infer R> ? Out<R> : never

/** The OpenAPI path turned into fastify's: /v1/sessions/{id} -> /v1/sessions/:id. */
export function fastifyPath (path: string): string {
  return path.replace(/\{([a-zA-Z]+)\}/g, ':$1')
}
