// Idempotency-Key: a state-changing request sent again with the same key gets the first answer
// again, without acting twice, also after a restart; the same key with another request is a 409.
// Only successful answers are kept: a refused or failed request changed nothing, so its retry runs
// again. Keys are scoped to the caller (each agent, and the operator, has its own keys) and kept
// for api.idempotencyRetentionMs.
// Known limit: the result is stored after the action, so a crash between the two loses the result
// and a retry acts again (for a session message: sends the next one). The window is one LevelDB
// write; closing it needs the action and its result in one atomic write, which the session layer
// does not offer yet.
import { createHash } from 'node:crypto'
import { logger } from '@libp2p/logger'
import type { Clock } from '../clock.js'
import { ApiError } from './problem.js'
import { padded, type ApiStore } from './store.js'

const log = logger('asp:api:idempotency')

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

interface Stored {
  hash: string
  status: number
  body: unknown
  ts: number
}

export interface Outcome {
  status: number
  body: unknown
}

/** The request's identity: method, path and the body with its keys sorted. */
export function requestHash (method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex')
}

function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export class Idempotency {
  private readonly inflight = new Map<string, Promise<unknown>>()

  constructor (private readonly store: ApiStore, private readonly retentionMs: number, private readonly clock: Clock) {}

  /** Runs `exec` once per (caller, key); a replay answers `{ ...first, replayed: true }`. */
  async run (caller: string, key: string, hash: string, exec: () => Promise<Outcome>): Promise<Outcome & { replayed: boolean }> {
    if (!IDEMPOTENCY_KEY.test(key)) throw new ApiError('API_IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key is 1 to 255 printable ASCII characters')
    const id = `${caller}\n${key}`
    // A retry that arrives while the first attempt runs waits for it.
    for (let running = this.inflight.get(id); running !== undefined; running = this.inflight.get(id)) await running.catch(() => {})
    // Nothing awaits between the check above and the registration below: a request arriving now
    // finds this attempt (the lookup of a stored result included) and waits for it.
    const attempt = (async (): Promise<Outcome & { replayed: boolean }> => {
      const stored = await this.store.idempotency.get(id) as Stored | undefined
      if (stored !== undefined && stored.ts > this.clock.now() - this.retentionMs) {
        if (stored.hash !== hash) throw new ApiError('API_IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was used with another request')
        return { status: stored.status, body: stored.body, replayed: true }
      }
      const outcome = await exec()
      if (outcome.status >= 200 && outcome.status < 300) {
        const ts = this.clock.now()
        await this.store.batch([
          this.store.idempotency.putOp(id, { hash, status: outcome.status, body: outcome.body, ts } satisfies Stored),
          this.store.idempotencyByTime.putOp(`${padded(ts)}\n${id}`, '')
        ])
      }
      return { ...outcome, replayed: false }
    })()
    this.inflight.set(id, attempt)
    try {
      return await attempt
    } finally {
      if (this.inflight.get(id) === attempt) this.inflight.delete(id)
    }
  }

  /** Forgets results older than the retention. */
  async prune (): Promise<number> {
    const cutoff = padded(Math.max(0, this.clock.now() - this.retentionMs))
    let n = 0
    for await (const [timeKey] of this.store.idempotencyByTime.entries({ lt: cutoff })) {
      const id = timeKey.slice(timeKey.indexOf('\n') + 1)
      const stored = await this.store.idempotency.get(id) as Stored | undefined
      // A key used again after it expired has a newer result: keep that one.
      const stale = stored !== undefined && padded(stored.ts) < cutoff
      await this.store.batch([...(stale ? [this.store.idempotency.delOp(id)] : []), this.store.idempotencyByTime.delOp(timeKey)])
      n++
    }
    if (n > 0) log('forgot %d idempotency results', n)
    return n
  }
}
