// An agent of the demo: it holds a token from `asp agent add` and talks to its own organization's
// node only over the local HTTP API (through the typed client, src/client/). It learns what the
// other side did from its events, as an agent of any framework would.
import { AspApiError, AspClient, type ApiEvent, type Request, type Response } from '../../src/client/index.js'
import { fail, waitFor, type WaitOptions } from './steps.js'

export type Session = Response<'getSession'>
export type Outgoing = Request<'sendMessage'>['body']
export type FirstMessage = Request<'openSession'>['body']['message']

export class Agent {
  readonly client: AspClient
  private after = '0'

  constructor (readonly org: string, readonly name: string, url: string, token: string) {
    this.client = new AspClient({ url, token })
  }

  get label (): string {
    return `${this.org}'s ${this.name} agent`
  }

  async open (to: { org: string, agent: string }, message: FirstMessage): Promise<Session> {
    return this.client.call('openSession', { body: { to, message } })
  }

  /**
   * Sends the next message. When both sides speak at once, the node refuses one of them with
   * SESSION_CONFLICT (or SESSION_BUSY while our last message is still on its way): read and retry,
   * with the same Idempotency-Key, so it acts once.
   */
  async send (session: string, message: Outgoing): Promise<Session> {
    const idempotencyKey = crypto.randomUUID()
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.call('sendMessage', { params: { id: session }, body: message }, { idempotencyKey })
      } catch (err) {
        if (!(err instanceof AspApiError) || !['SESSION_CONFLICT', 'SESSION_BUSY'].includes(err.code) || attempt >= 10) throw err
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt))
      }
    }
  }

  /** Sends a message the node must refuse with `code`; returns the refusal. */
  async sendRefused (session: string, message: Outgoing, code: string): Promise<AspApiError> {
    try {
      await this.send(session, message)
    } catch (err) {
      if (err instanceof AspApiError && err.code === code) return err
      throw err
    }
    return fail(`${this.label}'s ${message.type} went through; it should have been refused with ${code}`)
  }

  async session (id: string): Promise<Session> {
    return this.client.call('getSession', { params: { id } })
  }

  /** Waits until the session's state satisfies `ready`. */
  async sessionWhen (id: string, what: string, ready: (s: Session) => boolean, options?: WaitOptions): Promise<Session> {
    return waitFor(`${what} (${this.label}, session ${id})`, async () => {
      const s = await this.session(id)
      return ready(s) ? s : undefined
    }, options)
  }

  /** The next of this agent's events that matches, polling GET /v1/events/list. */
  async nextEvent (what: string, match: (e: ApiEvent) => boolean, options?: WaitOptions): Promise<ApiEvent> {
    return waitFor(`${what} (${this.label}'s events)`, async () => {
      const { events } = await this.client.call('listEvents', { query: { after: this.after, limit: 100 } })
      for (const e of events) {
        this.after = e.id
        if (match(e)) return e
      }
      return undefined
    }, options)
  }

  /** The next message of `type` this agent receives (in `session`, when given). */
  async nextMessage (type: string, session?: string, options?: WaitOptions): Promise<MessageEventData> {
    const e = await this.nextEvent(`a ${type}${session !== undefined ? ` in session ${session}` : ''}`, (x) => {
      const m = x.type === 'message.received' ? messageOf(x) : undefined
      return m?.type === type && (session === undefined || m.session === session)
    }, options)
    return e.data as unknown as MessageEventData
  }

  /** Every event of this agent so far, oldest first. */
  async allEvents (): Promise<ApiEvent[]> {
    const out: ApiEvent[] = []
    for (let after = '0'; ;) {
      const { events } = await this.client.call('listEvents', { query: { after, limit: 1000 } })
      out.push(...events)
      if (events.length < 1000) return out
      after = events[events.length - 1]?.id ?? after
    }
  }
}

/** The data of a message event (message.sent, message.received). */
export interface MessageEventData {
  session: string
  cid: string
  message: {
    type: string
    session: string
    seq: number
    from: { org: string, agent: string }
    to: { org: string, agent: string }
    ts: number
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the body's shape follows the type
    body: Record<string, any>
  }
}

export function messageOf (e: ApiEvent): MessageEventData['message'] | undefined {
  return e.type === 'message.sent' || e.type === 'message.received' ? (e.data as unknown as MessageEventData).message : undefined
}
