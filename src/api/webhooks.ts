// Webhooks: one URL per agent, receiving every event of that agent, in order, signed. The outbox
// is the event journal itself and a persisted cursor per webhook (the last event the receiver
// acknowledged with a 2xx): a receiver that is down is retried with exponential backoff from
// where it stopped, and a node restart resumes from the persisted cursor. Delivery is at least
// once (a crash between a 2xx and the cursor write sends that event again): receivers de-duplicate
// by the event id, which also travels in the ASP-Event-Id header.
import { randomBytes } from 'node:crypto'
import { logger } from '@libp2p/logger'
import type { Clock } from '../clock.js'
import { sleep } from '../net/bootstrap.js'
import type { ApiEvent } from './contract/events.js'
import type { EventJournal } from './event-journal.js'
import { signWebhook, SIGNATURE_HEADER } from './webhook-signature.js'
import type { ApiStore } from './store.js'

const trace = logger('asp:api:webhooks')

export interface Webhook {
  agent: string
  url: string
  secret: string
  created: number
  /** Id of the last event acknowledged; 0 for none. */
  cursor: number
  failures: number
  nextAttemptAt: number | null
  lastError: string | null
}

export interface WebhookOptions {
  timeoutMs: number
  backoffMinMs: number
  backoffMaxMs: number
  clock: Clock
}

export function webhookView (w: Webhook): Omit<Webhook, 'secret' | 'cursor'> & { deliveredThrough: string | null } {
  const { secret: _secret, cursor, ...rest } = w
  return { ...rest, deliveredThrough: cursor > 0 ? String(cursor) : null }
}

interface Worker {
  hook: Webhook
  stop: AbortController
  wake: () => void
  done: Promise<void>
}

export class Webhooks {
  private readonly workers = new Map<string, Worker>()
  private unsubscribe: (() => void) | null = null

  constructor (private readonly store: ApiStore, private readonly journal: EventJournal, private readonly options: WebhookOptions) {}

  async start (): Promise<void> {
    for await (const [, hook] of this.store.webhooks.entries()) this.run(hook as Webhook)
    this.journal.keepFrom = () => Math.min(Number.MAX_SAFE_INTEGER, ...[...this.workers.values()].map((w) => w.hook.cursor + 1))
    this.unsubscribe = this.journal.subscribe((event) => {
      for (const agent of event.agents) this.workers.get(agent)?.wake()
    })
  }

  async stop (): Promise<void> {
    this.unsubscribe?.()
    const workers = [...this.workers.values()]
    for (const w of workers) w.stop.abort()
    await Promise.all(workers.map(async (w) => w.done))
    this.workers.clear()
  }

  get (agent: string): Webhook | undefined {
    return this.workers.get(agent)?.hook
  }

  /** Registers or replaces an agent's webhook, with a new secret; it receives events from now on. */
  async set (agent: string, url: string): Promise<Webhook> {
    await this.remove(agent)
    const hook: Webhook = {
      agent,
      url,
      secret: 'whsec_' + randomBytes(32).toString('base64url'),
      created: this.options.clock.now(),
      cursor: this.journal.head,
      failures: 0,
      nextAttemptAt: null,
      lastError: null
    }
    await this.store.webhooks.put(agent, hook)
    this.run(hook)
    return hook
  }

  async remove (agent: string): Promise<boolean> {
    const worker = this.workers.get(agent)
    if (worker === undefined) return false
    worker.stop.abort()
    await worker.done
    this.workers.delete(agent)
    await this.store.webhooks.del(agent)
    return true
  }

  private run (hook: Webhook): void {
    const stop = new AbortController()
    let wake: () => void = () => {}
    let woken: Promise<void> = Promise.resolve()
    const arm = (): void => { woken = new Promise((resolve) => { wake = resolve }) }
    arm()
    const worker: Worker = { hook, stop, wake: () => wake(), done: Promise.resolve() }
    worker.done = (async () => {
      while (!stop.signal.aborted) {
        arm()
        // Read before the scan: every event up to it is stored, so the scan sees it.
        const head = this.journal.head
        const next = await this.nextFor(hook)
        if (next === undefined) {
          // Nothing for this agent up to that head: the outbox holds nothing before it.
          if (head > hook.cursor) {
            hook.cursor = head
            await this.store.webhooks.put(hook.agent, hook)
          }
          const idle = new AbortController()
          await Promise.race([woken, sleep(60_000, AbortSignal.any([stop.signal, idle.signal]))])
          idle.abort()
          continue
        }
        await this.attempt(hook, next, stop.signal)
      }
    })().catch((err: Error) => trace('webhook worker of %s ended: %s', hook.agent, err.message))
    this.workers.set(hook.agent, worker)
  }

  private async nextFor (hook: Webhook): Promise<ApiEvent | undefined> {
    for await (const event of this.journal.read(hook.cursor, (e) => e.agents.includes(hook.agent), 1)) return event
    return undefined
  }

  /** One delivery attempt; on failure, the pause before the next grows up to backoffMaxMs. */
  private async attempt (hook: Webhook, event: ApiEvent, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(event)
    let error: string | null = null
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'asp-event-id': event.id,
          'asp-event-type': event.type,
          [SIGNATURE_HEADER]: signWebhook(hook.secret, this.options.clock.now(), body)
        },
        body,
        redirect: 'error',
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)])
      })
      await response.body?.cancel()
      if (!response.ok) error = `HTTP ${response.status}`
    } catch (err) {
      if (signal.aborted) return
      error = (err as Error).message
    }
    if (signal.aborted) return
    if (error === null) {
      Object.assign(hook, { cursor: Number(event.id), failures: 0, nextAttemptAt: null, lastError: null })
      await this.store.webhooks.put(hook.agent, hook)
      return
    }
    const pause = Math.min(this.options.backoffMaxMs, this.options.backoffMinMs * 2 ** Math.min(hook.failures, 30))
    Object.assign(hook, { failures: hook.failures + 1, nextAttemptAt: this.options.clock.now() + pause, lastError: error })
    await this.store.webhooks.put(hook.agent, hook)
    trace('delivery of event %s to %s failed (%s); next attempt in %d ms', event.id, hook.agent, error, pause)
    await sleep(pause, signal)
  }
}
