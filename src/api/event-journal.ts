// The event journal: every event the API emits, persisted in order with an increasing id, so an
// SSE client resumes with Last-Event-ID and a webhook's outbox is a cursor into it. Bounded: at
// most api.eventRetention events, and events older than api.eventRetentionMs go once every
// webhook has them.
import { logger } from '@libp2p/logger'
import type { Clock } from '../clock.js'
import type { Principal } from './auth.js'
import type { ApiEvent } from './contract/events.js'
import { padded, type ApiStore, type Table } from './store.js'

const log = logger('asp:api:events')

export type NewEvent = Omit<ApiEvent, 'id' | 'ts'>

export interface JournalOptions {
  retention: number
  retentionMs: number
  clock: Clock
}

/** Whether an event is for this caller: the operator sees all, an agent what names it. */
export function concerns (principal: Principal, event: ApiEvent): boolean {
  return principal.kind === 'operator' || (principal.kind === 'agent' && event.agents.includes(principal.name))
}

export class EventJournal {
  private lastId = 0
  private appends = 0
  private queue: Promise<unknown> = Promise.resolve()
  private readonly listeners = new Set<(event: ApiEvent) => void>()
  /** The lowest event id some webhook still waits for (set by the webhooks). */
  keepFrom: () => number = () => Number.MAX_SAFE_INTEGER

  constructor (private readonly store: ApiStore, private readonly options: JournalOptions) {}

  async open (): Promise<void> {
    this.lastId = (await this.store.meta.get('lastEventId') as number | undefined) ?? 0
  }

  get head (): number {
    return this.lastId
  }

  /** Appends events (and `with`, other writes of the same batch) durably, in one batch, in order. */
  append (events: NewEvent[], withOps: Parameters<ApiStore['batch']>[0] = []): Promise<ApiEvent[]> {
    const run = this.queue.then(async () => {
      const ts = this.options.clock.now()
      const stored = events.map((e, i): ApiEvent => ({ id: String(this.lastId + i + 1), ts, ...e }))
      await this.store.batch([
        ...stored.map((e) => this.store.events.putOp(padded(Number(e.id)), e)),
        this.store.meta.putOp('lastEventId', this.lastId + stored.length),
        ...withOps
      ])
      this.lastId += stored.length
      for (const e of stored) for (const listener of this.listeners) listener(e)
      this.appends += stored.length
      if (this.appends >= Math.min(1000, Math.ceil(this.options.retention / 10))) {
        this.appends = 0
        await this.prune().catch((err: Error) => log('pruning failed: %s', err.message))
      }
      return stored
    })
    this.queue = run.catch(() => {})
    return run
  }

  /** Events after `after`, oldest first, that pass `filter`. */
  async * read (after: number, filter: (e: ApiEvent) => boolean = () => true, limit = Number.MAX_SAFE_INTEGER): AsyncGenerator<ApiEvent> {
    let n = 0
    for await (const [, event] of (this.store.events as Table<ApiEvent>).entries({ gt: padded(after) })) {
      if (!filter(event)) continue
      yield event
      if (++n >= limit) return
    }
  }

  /** The id of the oldest event kept, or head + 1 when none is. */
  async oldest (): Promise<number> {
    for await (const [key] of this.store.events.entries({ limit: 1 })) return Number(key)
    return this.lastId + 1
  }

  subscribe (listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Waits for every append queued so far. */
  async flush (): Promise<void> {
    await this.queue
  }

  /** Drops events beyond the count bound, and old events no webhook waits for. */
  async prune (): Promise<void> {
    const beyondCount = this.lastId - this.options.retention
    if (beyondCount > 0) await this.store.events.clear({ lte: padded(beyondCount) })
    const cutoff = this.options.clock.now() - this.options.retentionMs
    const keepFrom = this.keepFrom()
    let upTo = 0
    for await (const [key, event] of (this.store.events as Table<ApiEvent>).entries()) {
      if (event.ts >= cutoff || Number(key) >= keepFrom) break
      upTo = Number(key)
    }
    if (upTo > 0) await this.store.events.clear({ lte: padded(upTo) })
  }
}
