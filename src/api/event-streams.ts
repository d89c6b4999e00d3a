// Server-sent events: one stream per connection, of the events that concern its caller. A
// stream first replays the journal after Last-Event-ID (or ?after=), then follows live events;
// if the journal no longer holds some of the events asked for, an events.gap event says so. A
// client too slow to read is disconnected (it resumes with Last-Event-ID), and each caller may
// hold a bounded number of streams.
import type { FastifyReply } from 'fastify'
import { principalId, type Principal } from './auth.js'
import type { ApiEvent } from './contract/events.js'
import { concerns, type EventJournal } from './event-journal.js'
import { ApiError } from './problem.js'

const MAX_STREAMS_PER_CALLER = 8
const MAX_BUFFERED_BYTES = 1 << 20
const HEARTBEAT_MS = 15_000

export function sseFrame (event: ApiEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
}

export class EventStreams {
  private readonly open = new Map<string, Set<FastifyReply>>()

  constructor (private readonly journal: EventJournal) {}

  async serve (reply: FastifyReply, principal: Principal, after: number): Promise<void> {
    const caller = principalId(principal)
    const mine = this.open.get(caller) ?? new Set()
    if (mine.size >= MAX_STREAMS_PER_CALLER) throw new ApiError('API_TOO_MANY_STREAMS', `at most ${MAX_STREAMS_PER_CALLER} event streams per caller`)
    mine.add(reply)
    this.open.set(caller, mine)
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    res.write(': asp events\n\n')
    let last = after
    let live = false
    const pending: ApiEvent[] = []
    const write = (event: ApiEvent): void => {
      if (Number(event.id) <= last) return
      last = Number(event.id)
      res.write(sseFrame(event))
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy()
    }
    const unsubscribe = this.journal.subscribe((event) => {
      if (!concerns(principal, event)) return
      if (live) write(event)
      else pending.push(event)
    })
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS)
    const closed = new Promise<void>((resolve) => res.once('close', resolve))
    void closed.then(() => {
      clearInterval(heartbeat)
      unsubscribe()
      mine.delete(reply)
    })
    const oldest = await this.journal.oldest()
    if (after > 0 && after + 1 < oldest) {
      // Its id is the one before the oldest kept, so a client resuming from it loses nothing more.
      write({ id: String(oldest - 1), type: 'events.gap', ts: Date.now(), agents: [], data: { after: String(after), resumedFrom: String(oldest) } })
    }
    for await (const event of this.journal.read(after, (e) => concerns(principal, e))) {
      if (res.destroyed) return
      write(event)
    }
    for (const event of pending) write(event)
    live = true
  }

  /** Ends every stream (the server is stopping). */
  closeAll (): void {
    for (const streams of this.open.values()) for (const reply of streams) reply.raw.end()
    this.open.clear()
  }
}
