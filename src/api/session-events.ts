// Turns session activity into events: each message recorded in a session (sent or received) gives
// message.sent / message.received, and, as it changes the session, session.phase,
// session.escalated (this side escalated to its humans) and commitment.signed. The events of a
// message are computed from the transcript (states replayed with the pure machine), so the same
// message always gives the same events, whether it arrives live or is caught up at start after a
// crash between the log write and the journal write. Each session's last journaled seq is
// written in the same batch as its events: a message becomes events exactly once.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { logger } from '@libp2p/logger'
import type { Log } from '../log/log.js'
import type { CID } from '../records/codec.js'
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

export function eventsOf (message: SessionMessage, cid: CID, before: SessionState | undefined, after: SessionState, org: string, commitment?: CID): NewEvent[] {
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
    const id = commitment ?? encodeRecord(commitmentKind, commitmentOf(after.agreement.value, after.agreement.deal, after.commits as { initiator: Uint8Array, responder: Uint8Array })).cid
    events.push({ type: 'commitment.signed', agents, data: { session, commitment: id.toString(), agreement: after.agreement.cid.toString() } })
  }
  return events
}

export class SessionEvents {
  private readonly known = new Set<string>()
  /** Per session: its last journaled seq and the state after it (a cache to avoid replays). */
  private readonly last = new Map<string, { seq: number, state: SessionState }>()
  /** Sessions with messages recorded since the last catch-up: caught up together, in one journal write. */
  private readonly dirty = new Set<string>()
  /** The states the session manager reached with those messages, by session and seq: no replay needed. */
  private readonly liveStates = new Map<string, Map<number, SessionState>>()
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
    this.unsubscribe = this.sessions.onEvent((event) => {
      // In the next turn of the event loop, not in this one: the message's acknowledgement (or its
      // sender's next step) goes first, and the events of everything recorded meanwhile share a write.
      if (this.dirty.size === 0) this.enqueue(async () => { await nextTurn(); await this.catchUp(this.takeDirty()) })
      this.dirty.add(event.session)
      let states = this.liveStates.get(event.session)
      if (states === undefined) this.liveStates.set(event.session, states = new Map())
      states.set(event.message.seq, event.state)
    })
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
    await this.catchUp([...this.known])
    await this.store.meta.put('logCheckpoint', head)
  }

  private takeDirty (): string[] {
    const sessions = [...this.dirty]
    this.dirty.clear()
    return sessions
  }

  /**
   * Journals the events of every recorded message of these sessions not journaled yet, in one
   * write: under load, the messages of many sessions since the last write.
   */
  private async catchUp (sessions: string[]): Promise<void> {
    const events: NewEvent[] = []
    const ops: Parameters<EventJournal['append']>[1] = []
    const reached = new Map<string, { seq: number, state: SessionState }>()
    for (const session of sessions) {
      const live = this.liveStates.get(session)
      this.liveStates.delete(session)
      const transcript = this.sessions.transcript(session)
      const cached = this.last.get(session)
      // A session never journaled (every new one) has nothing stored to look up.
      const journaled = cached?.seq ?? (this.known.has(session) ? await this.store.journaled.get(session) ?? 0 : 0)
      if (transcript.length <= journaled) continue
      this.known.add(session)
      let before = cached?.seq === journaled ? cached.state : this.replay(transcript.slice(0, journaled).map((m) => [m.value, m.cid]))
      for (const message of transcript.slice(journaled)) {
        const after = live?.get(message.value.seq) ?? (before === undefined ? open(message.value, message.cid) : apply(before, message.value, message.cid, this.sessions.signatures.verify))
        const commitment = after.phase === 'committed' && before?.phase !== 'committed' ? this.sessions.commitment(session)?.cid : undefined
        events.push(...eventsOf(message.value, message.cid, before, after, this.log.author, commitment))
        before = after
      }
      const seq = transcript.length
      ops.push(this.store.journaled.putOp(session, seq))
      if (before !== undefined) reached.set(session, { seq, state: before })
    }
    if (ops.length === 0) return
    await this.journal.append(events, ops)
    for (const [session, last] of reached) this.last.set(session, last)
  }

  private replay (messages: Array<[SessionMessage, CID]>): SessionState | undefined {
    let state: SessionState | undefined
    for (const [m, cid] of messages) state = state === undefined ? open(m, cid) : apply(state, m, cid, this.sessions.signatures.verify)
    return state
  }
}
