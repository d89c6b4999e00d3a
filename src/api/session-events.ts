// Turns session activity into events: each message recorded in a session (sent or received) gives
// message.sent / message.received, and, as it changes the session, session.phase,
// session.escalated (this side escalated to its humans) and commitment.signed. The events of a
// message are computed from the transcript (states replayed with the pure machine), so the same
// message always gives the same events, whether it arrives live or is caught up at start after a
// crash between the log write and the journal write. Each session's last journaled seq is
// written in the same batch as its events: a message becomes events exactly once.
import { logger } from '@libp2p/logger'
import type { Log } from '../log/log.js'
import type { CID } from '../records/codec.js'
import { verify } from '../records/ed25519.js'
import { decodeRecord, encodeRecord } from '../records/record.js'
import { commitmentKind, commitmentOf } from '../session/commitment-kind.js'
import { apply, open } from '../session/machine.js'
import type { SessionManager } from '../session/manager.js'
import { sessionMessageKind, type SessionMessage } from '../session/message-kind.js'
import type { SessionState } from '../session/state.js'
import type { EventJournal, NewEvent } from './event-journal.js'
import { messageJson, ourAgents, ourRole } from './session-view.js'
import type { ApiStore } from './store.js'

const trace = logger('asp:api:session-events')

export function eventsOf (message: SessionMessage, cid: CID, before: SessionState | undefined, after: SessionState, org: string): NewEvent[] {
  const role = ourRole(after, org)
  const agents = [...new Set([...(before !== undefined ? ourAgents(before, org) : []), ...ourAgents(after, org)])]
  const outgoing = message.from.org === org
  const session = message.session
  const events: NewEvent[] = [{
    type: outgoing ? 'message.sent' : 'message.received',
    agents,
    data: { session, cid: cid.toString(), message: messageJson(message, cid) }
  }]
  if (before?.phase !== after.phase) events.push({ type: 'session.phase', agents, data: { session, from: before?.phase ?? null, to: after.phase } })
  if (outgoing && message.type === 'ESCALATE' && after.waitingOn === role) {
    events.push({ type: 'session.escalated', agents, data: { session, reason: (message.body as { reason?: string }).reason ?? null } })
  }
  if (after.phase === 'committed' && before?.phase !== 'committed' && after.agreement !== null) {
    const commitment = encodeRecord(commitmentKind, commitmentOf(after.agreement.value, after.agreement.deal, after.commits as { initiator: Uint8Array, responder: Uint8Array }))
    events.push({ type: 'commitment.signed', agents, data: { session, commitment: commitment.cid.toString(), agreement: after.agreement.cid.toString() } })
  }
  return events
}

export class SessionEvents {
  private readonly known = new Set<string>()
  /** Per session: its last journaled seq and the state after it (a cache to avoid replays). */
  private readonly last = new Map<string, { seq: number, state: SessionState }>()
  private queue: Promise<void> = Promise.resolve()
  private unsubscribe: (() => void) | null = null

  constructor (
    private readonly sessions: SessionManager,
    private readonly log: Log,
    private readonly journal: EventJournal,
    private readonly store: ApiStore
  ) {}

  /** Every session this org takes part in. */
  ids (): string[] {
    return [...this.known]
  }

  async start (): Promise<void> {
    this.unsubscribe = this.sessions.onEvent((event) => { this.enqueue(async () => this.catchUp(event.session)) })
    await this.enqueue(async () => this.reconcile())
  }

  async stop (): Promise<void> {
    this.unsubscribe?.()
    await this.queue
  }

  private enqueue (task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task)
    this.queue = run.catch((err: Error) => trace('session events failed: %s', err.message))
    return run
  }

  /**
   * At start: finds the sessions with messages recorded since the last start, and journals what
   * is missing. A fresh journal starts from now: the sessions already there give no events.
   */
  private async reconcile (): Promise<void> {
    const checkpoint = await this.store.meta.get('logCheckpoint') as number | undefined
    const head = this.log.head().seq
    for await (const [session] of this.store.journaled.entries()) this.known.add(session)
    const found = new Set<string>()
    for await (const entry of this.log.entries((checkpoint ?? 0) + 1, head)) {
      const body = entry.value.body as { kind?: string, record?: CID }
      if (entry.value.kind !== 'record' || body.kind !== sessionMessageKind.name || body.record === undefined) continue
      const bytes = await this.log.getBlock(body.record)
      if (bytes !== undefined) found.add(decodeRecord(sessionMessageKind, bytes, { skipSignatures: true }).value.session)
    }
    for (const session of found) {
      if (checkpoint === undefined) {
        await this.store.journaled.put(session, this.sessions.transcript(session).length)
        this.known.add(session)
      }
    }
    for (const session of this.known) await this.catchUp(session)
    await this.store.meta.put('logCheckpoint', head)
  }

  /** Journals the events of every recorded message of `session` not journaled yet. */
  private async catchUp (session: string): Promise<void> {
    const transcript = this.sessions.transcript(session)
    let cached = this.last.get(session)
    const journaled = cached?.seq ?? await this.store.journaled.get(session) ?? 0
    if (transcript.length <= journaled) return
    this.known.add(session)
    let before = cached?.seq === journaled ? cached.state : replay(transcript.slice(0, journaled).map((m) => [m.value, m.cid]))
    for (const message of transcript.slice(journaled)) {
      const after = before === undefined ? open(message.value, message.cid) : apply(before, message.value, message.cid, verify)
      await this.journal.append(eventsOf(message.value, message.cid, before, after, this.log.author), [this.store.journaled.putOp(session, message.value.seq)])
      cached = { seq: message.value.seq, state: after }
      this.last.set(session, cached)
      before = after
    }
  }
}

function replay (messages: Array<[SessionMessage, CID]>): SessionState | undefined {
  let state: SessionState | undefined
  for (const [m, cid] of messages) state = state === undefined ? open(m, cid) : apply(state, m, cid, verify)
  return state
}
