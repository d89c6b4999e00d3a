// A small typed client of the local API, typed by the same endpoint contracts the server
// validates with (src/api/contract/). Every state-changing call carries an Idempotency-Key, and a
// call that fails on the network is retried with the same key, so it acts at most once.
import { randomUUID } from 'node:crypto'
import { endpoints, type EndpointId, type Endpoints } from '../api/contract/index.js'
import type { ApiEvent } from '../api/contract/events.js'
import { changesState, type RequestOf, type ResponseOf } from '../api/endpoint.js'
import type { Problem } from '../api/problem.js'
import { parseSse } from './sse.js'

export class AspApiError extends Error {
  override name = 'AspApiError'
  readonly code: string
  readonly status: number
  readonly problem: Problem

  constructor (problem: Problem) {
    super(`${problem.code}: ${problem.detail ?? problem.title}`)
    this.code = problem.code
    this.status = problem.status
    this.problem = problem
  }
}

export interface ClientOptions {
  /** The node's API, e.g. http://127.0.0.1:7450 (see <data-dir>/api.json). */
  url: string
  /** An agent token, or the operator token. */
  token: string
  /** Attempts of a call that fails on the network (same Idempotency-Key each time). @default 3 */
  attempts?: number
}

export interface CallOptions {
  /** @default a fresh UUID for each call (kept across its own retries) */
  idempotencyKey?: string
  signal?: AbortSignal
}

export type Request<K extends EndpointId> = RequestOf<Endpoints[K]>
export type Response<K extends EndpointId> = ResponseOf<Endpoints[K]>

export class AspClient {
  private readonly url: string
  private readonly token: string
  private readonly attempts: number

  constructor (options: ClientOptions) {
    this.url = options.url.replace(/\/$/, '')
    this.token = options.token
    this.attempts = options.attempts ?? 3
  }

  /** Calls one endpoint by its operationId. */
  async call<K extends EndpointId> (id: K, request: Request<K>, options: CallOptions = {}): Promise<Response<K>> {
    const e = endpoints[id]
    const r = request as { params?: Record<string, string>, query?: Record<string, unknown>, body?: unknown }
    let path = e.path.replace(/\{([a-zA-Z]+)\}/g, (_, name: string) => encodeURIComponent(String(r.params?.[name] ?? '')))
    const query = new URLSearchParams()
    for (const [k, v] of Object.entries(r.query ?? {})) if (v !== undefined) query.set(k, String(v))
    if (query.size > 0) path += `?${query.toString()}`
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` }
    if (r.body !== undefined) headers['content-type'] = 'application/json'
    if (changesState(e.method)) headers['idempotency-key'] = options.idempotencyKey ?? randomUUID()
    for (let attempt = 1; ; attempt++) {
      let response: globalThis.Response
      try {
        response = await fetch(this.url + path, { method: e.method, headers, body: r.body === undefined ? undefined : JSON.stringify(r.body), signal: options.signal })
      } catch (err) {
        if (attempt >= this.attempts || options.signal?.aborted === true) throw err
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt))
        continue
      }
      const payload = await response.json() as unknown
      if (!response.ok) throw new AspApiError(payload as Problem)
      return payload as Response<K>
    }
  }

  /**
   * The caller's events as they happen, from after `after` (an event id), resuming with
   * Last-Event-ID when the connection drops. Ends when `signal` aborts.
   */
  async * events (options: { after?: string, signal?: AbortSignal } = {}): AsyncGenerator<ApiEvent> {
    let last = options.after ?? '0'
    const aborted = (): boolean => options.signal?.aborted === true
    while (!aborted()) {
      try {
        const response = await fetch(`${this.url}/v1/events`, { headers: { authorization: `Bearer ${this.token}`, 'last-event-id': last }, signal: options.signal })
        if (!response.ok) throw new AspApiError(await response.json() as Problem)
        for await (const message of parseSse(response.body as ReadableStream<Uint8Array>)) {
          const event = JSON.parse(message.data) as ApiEvent
          if (message.id !== undefined) last = message.id
          yield event
        }
      } catch (err) {
        if (aborted()) return
        if (err instanceof AspApiError) throw err
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
}
