// Negotiation sessions over the network (/asp/session/1.0.0). Each message is one request on the
// long-lived channel to the peer (net/channel.ts) and is acknowledged only after the receiver verified
// it, applied it to the session and made it durable in its log; a refusal comes back as a typed error
// and changes nothing. The sender records its own message only after the acknowledgement, so both
// logs hold the same transcript. Resending the same message is idempotent, so a sender retries after
// a lost stream or connection, and the message is delivered exactly once.
import { randomBytes } from 'node:crypto'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { logger } from '@libp2p/logger'
import { base32 } from 'multiformats/bases/base32'
import { z } from 'zod'
import type { Clock } from '../clock.js'
import type { NodeConfig } from '../config.js'
import { isAspError } from '../errors.js'
import type { Log } from '../log/log.js'
import { Channels } from '../net/channel.js'
import type { Peer } from '../net/libp2p.js'
import { PeerRateLimit } from '../net/rate-limit.js'
import { NetError } from '../net/rpc.js'
import type { CID } from '../records/codec.js'
import { verify as verifyEd25519, type Signer } from '../records/ed25519.js'
import { rememberingVerify } from '../records/verify-memo.js'
import { decodeRecord, encodeRecord, signRecord, type SignedRecord } from '../records/record.js'
import { commitmentKind, commitmentOf } from './commitment-kind.js'
import { apply, open, SessionError } from './machine.js'
import { sessionMessageKind, type Party, type SessionMessage } from './message-kind.js'
import type { Body, MessageType } from './message-types.js'
import { other, type Role, type SessionState } from './state.js'

const log = logger('asp:session')

export const SESSION_PROTOCOL = '/asp/session/1.0.0'

/**
 * Largest frame on /asp/session/1.0.0 either way (fixed, so both sides agree): a session message of
 * at most 32768 bytes with the request's own keys, or an answer with an error text of at most 512
 * characters, fit well inside it.
 */
export const SESSION_FRAME_BYTES = 34816

/** COMMIT signatures are checked when a message is built and again when it is recorded: once is enough. */
const verify = rememberingVerify(verifyEd25519)

const deliver = z.strictObject({ message: z.custom<Uint8Array>((v) => v instanceof Uint8Array) })
const ack = z.strictObject({ session: z.string(), seq: z.number().int(), cid: z.string() })

/** Attempts to deliver one message before the sender gives up (each after a short pause). */
const DELIVERY_ATTEMPTS = 3

async function settledOrAborted (settled: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  let onAbort!: () => void
  const aborted = new Promise<void>((resolve) => { onAbort = resolve })
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    await Promise.race([settled, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

export interface SessionEvent {
  session: string
  message: SessionMessage
  cid: CID
  state: SessionState
  direction: 'in' | 'out'
}

interface Entry {
  state: SessionState
  messages: Array<SignedRecord<SessionMessage>>
  /** A message of ours sent and not yet acknowledged: its seq. */
  pending?: number
  /** The local human approval after our ESCALATE (not part of the transcript). */
  approved?: boolean
}

export interface Outgoing<K extends MessageType = MessageType> {
  type: K
  body: Body<K>
  replyTo?: CID
  expiresAt?: number
}

/** The org's own rules on its agents' messages (src/policy): a throw refuses the message. */
export interface SessionGuard {
  /** Before this org's message is signed; `on` is the session, or the parties of the one being opened. */
  beforeSend(next: Outgoing, on: SessionState | { from: Party, to: Party }): Promise<void>
  /** Before an incoming message is applied (resends excepted); the error's code goes back to the sender. */
  beforeAccept(message: SessionMessage, state: SessionState | undefined): Promise<void>
}

export class SessionManager {
  private readonly sessions = new Map<string, Entry>()
  private readonly listeners = new Set<(event: SessionEvent) => void>()
  private readonly locks = new Map<string, Promise<void>>()
  private readonly org: string
  private guard?: SessionGuard
  private readonly channels: Channels
  private readonly rate: PeerRateLimit
  /** Our own message being delivered, per session, until it is recorded or its delivery fails. */
  private readonly outgoing = new Map<string, { seq: number, settled: Promise<void>, settle: () => void }>()

  constructor (
    private readonly peer: Peer,
    private readonly log: Log,
    private readonly signer: Signer,
    private readonly config: NodeConfig,
    private readonly clock: Clock
  ) {
    this.org = log.author
    this.channels = new Channels(peer, SESSION_PROTOCOL, {
      maxFrameBytes: SESSION_FRAME_BYTES,
      requestTimeoutMs: config.net.readTimeoutMs,
      maxInFlight: config.net.maxInFlightPerPeer,
      idleMs: config.net.channelIdleMs,
      maxStreams: config.net.maxStreamsPerPeer
    })
    this.rate = new PeerRateLimit(config.session.messagesPerSecond, config.session.messageBurst)
    // Our own message is recorded (after its acknowledgement): a reply built on it may now be taken.
    this.listeners.add((event) => { if (event.direction === 'out') this.settleOutgoing(event.session, event.message.seq) })
  }

  /** Rebuilds every session from the log, then serves the protocol. */
  async start (): Promise<void> {
    for await (const entry of this.log.entries()) {
      const body = entry.value.body as { kind?: string, record?: CID }
      if (entry.value.kind !== 'record' || body.kind !== sessionMessageKind.name || body.record === undefined) continue
      const bytes = await this.log.getBlock(body.record)
      if (bytes === undefined) continue
      const message = decodeRecord(sessionMessageKind, bytes, { skipSignatures: true })
      const known = this.sessions.get(message.value.session)
      this.remember(message, known === undefined ? open(message.value, message.cid) : apply(known.state, message.value, message.cid, verify))
    }
    // A crash between a COMMIT and its commitment leaves the commitment to write now.
    for (const { state } of this.sessions.values()) await this.recordCommitment(state)
    await this.channels.serve(async (body, remote, signal) => this.receive(body, remote, signal))
  }

  /** Every message this org sends or accepts passes `guard` first. */
  useGuard (guard: SessionGuard): void {
    this.guard = guard
  }

  onEvent (listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  state (session: string): SessionState | undefined {
    return this.sessions.get(session)?.state
  }

  /** The dual-signed commitment of a committed session, as stored in the log. */
  commitment (session: string): SignedRecord<unknown> | undefined {
    const state = this.state(session)
    if (state === undefined || state.agreement === null || state.commits.initiator === undefined || state.commits.responder === undefined) return undefined
    return encodeRecord(commitmentKind, commitmentOf(state.agreement.value, state.agreement.deal, state.commits as { initiator: Uint8Array, responder: Uint8Array }))
  }

  transcript (session: string): Array<SignedRecord<SessionMessage>> {
    return [...(this.sessions.get(session)?.messages ?? [])]
  }

  /** Opens a session with another org's agent by sending its first message. */
  async open<K extends MessageType> (as: string, to: Party, first: Outgoing<K>): Promise<SessionState> {
    await this.guard?.beforeSend(first, { from: { org: this.org, agent: as }, to })
    const id = base32.baseEncode(randomBytes(16))
    const message = this.sign(id, 1, null, { org: this.org, agent: as }, to, first)
    open(message.value, message.cid) // refuses here, before anything leaves the node
    await this.deliver(message)
    return this.withLock(id, async () => this.persist(message, 'out'))
  }

  /**
   * Sends the next message of a session as this org's current speaker. The message is built and
   * checked under the session's lock (so it is built on every message already recorded), delivered
   * without it, and recorded under it again once acknowledged.
   */
  async send<K extends MessageType> (session: string, next: Outgoing<K>): Promise<SessionState> {
    const entry = this.sessions.get(session)
    if (entry === undefined) throw new SessionError('SESSION_WRONG_SESSION', `no session ${session}`)
    await this.guard?.beforeSend(next, entry.state)
    const message = await this.withLock(session, async () => {
      const s = entry.state
      const role = this.roleIn(s)
      if (s.waitingOn === role && entry.approved !== true && next.type !== 'ESCALATE') {
        throw new SessionError('SESSION_AWAITING_APPROVAL', 'this side escalated the session; a human must approve before it continues')
      }
      if (entry.pending !== undefined) throw new SessionError('SESSION_BUSY', 'a message of this side is still being delivered')
      const built = this.sign(session, s.seq + 1, s.head, { org: this.org, agent: s.speakers[role] }, { org: s.parties[other(role)].org, agent: s.speakers[other(role)] }, next, Math.max(this.clock.now(), s.lastTs))
      apply(s, built.value, built.cid, verify) // refuses here, before anything leaves the node
      entry.pending = built.value.seq
      return built
    })
    try {
      await this.deliver(message)
    } catch (err) {
      entry.pending = undefined
      throw err
    }
    const state = await this.withLock(session, async () => {
      entry.pending = undefined
      return this.persist(message, 'out')
    })
    if (next.type === 'ESCALATE') entry.approved = false
    return state
  }

  /** The escalating side's human decided: approval lets its agent continue. */
  approve (session: string): void {
    const entry = this.sessions.get(session)
    if (entry === undefined) throw new SessionError('SESSION_WRONG_SESSION', `no session ${session}`)
    entry.approved = true
  }

  private sign (id: string, seq: number, prev: CID | null, from: Party, to: Party, next: Outgoing, ts = this.clock.now()): SignedRecord<SessionMessage> {
    return signRecord(sessionMessageKind, {
      v: 1,
      type: next.type,
      session: id,
      seq,
      prev,
      from,
      to,
      ts,
      ...(next.replyTo !== undefined ? { replyTo: next.replyTo } : {}),
      ...(next.expiresAt !== undefined ? { expiresAt: next.expiresAt } : {}),
      body: next.body
    }, this.signer)
  }

  /**
   * Delivers one message, resending it after a transport failure. From here until the message is
   * recorded (or delivery fails), the session's marker tells `receive` that a reply built on it may
   * overtake our own recording of it.
   */
  private async deliver (message: SignedRecord<SessionMessage>): Promise<void> {
    const { session, seq } = message.value
    let settle!: () => void
    const settled = new Promise<void>((resolve) => { settle = resolve })
    this.outgoing.set(session, { seq, settled, settle })
    const remote = peerIdFromString(message.value.to.org)
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const answer = ack.safeParse(await this.channels.request(remote, { message: message.bytes }))
          if (!answer.success || answer.data.cid !== message.cid.toString()) throw new NetError('NET_FRAME_INVALID', 'the peer acknowledged something else')
          return
        } catch (err) {
          if (err instanceof NetError && err.code === 'NET_REMOTE_ERROR') {
            const code = String(err.details.remoteCode)
            throw new SessionError(code.startsWith('SESSION_') || code.startsWith('POLICY_') ? code as never : 'SESSION_REFUSED', err.message)
          }
          if (attempt === DELIVERY_ATTEMPTS) throw err
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
        }
      }
    } catch (err) {
      this.settleOutgoing(session, seq)
      throw err
    }
  }

  private settleOutgoing (session: string, seq: number): void {
    const marker = this.outgoing.get(session)
    if (marker === undefined || marker.seq !== seq) return
    this.outgoing.delete(session)
    marker.settle()
  }

  private async receive (body: unknown, remote: PeerId, signal: AbortSignal): Promise<unknown> {
    // First and cheapest: a peer over its rate is refused before its bytes cost a decode.
    if (!this.rate.take(remote.toString())) throw new SessionError('SESSION_RATE_LIMITED', 'too many session messages from this peer; slow down')
    const parsed = deliver.safeParse(body)
    if (!parsed.success) throw new NetError('NET_REQUEST_INVALID', 'a session request is {message}')
    let message: SignedRecord<SessionMessage>
    try {
      message = decodeRecord(sessionMessageKind, parsed.data.message)
    } catch (err) {
      throw isAspError(err) ? err : new NetError('NET_REQUEST_INVALID', (err as Error).message)
    }
    const m = message.value
    if (m.from.org !== remote.toString()) throw new SessionError('SESSION_WRONG_PEER', 'the message is not signed by the peer that sent it')
    if (m.to.org !== this.org) throw new SessionError('SESSION_WRONG_PARTY', 'the message is addressed to another org')
    // The peer's answer to our message and its reply to it can arrive together: the reply waits until
    // our message is recorded (or its delivery failed), so that it is applied on top of it.
    const own = this.outgoing.get(m.session)
    if (own !== undefined && own.seq === m.seq - 1) await settledOrAborted(own.settled, signal)
    return this.withLock(m.session, async () => this.accept(message))
  }

  private async accept (message: SignedRecord<SessionMessage>): Promise<unknown> {
    const m = message.value
    const entry = this.sessions.get(m.session)
    const known = entry?.messages[m.seq - 1]
    if (known !== undefined && known.cid.equals(message.cid)) return this.ackOf(message) // a resend: deliver once
    await this.guard?.beforeAccept(m, entry?.state)
    if (entry === undefined) {
      if (this.openSessionsWith(m.from.org) >= this.config.net.maxStreamsPerPeer * 8) throw new SessionError('SESSION_LIMIT', 'too many open sessions with this org')
      open(m, message.cid)
    } else {
      // Both sides sent the same seq at once: the initiator's message wins, the other is refused.
      if (entry.pending === m.seq && this.roleIn(entry.state) === 'initiator') throw new SessionError('SESSION_CONFLICT', 'the initiator\'s message at this seq goes first')
      apply(entry.state, m, message.cid, verify)
    }
    await this.persist(message, 'in')
    return this.ackOf(message)
  }

  /** Runs `task` after every earlier task of the same session: one message at a time per session. */
  private async withLock<T> (session: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(session) ?? Promise.resolve()
    const run = previous.then(task, task)
    const settled = run.then(() => {}, () => {})
    this.locks.set(session, settled)
    try {
      return await run
    } finally {
      if (this.locks.get(session) === settled) this.locks.delete(session)
    }
  }

  private ackOf (message: SignedRecord<SessionMessage>): z.infer<typeof ack> {
    return { session: message.value.session, seq: message.value.seq, cid: message.cid.toString() }
  }

  /**
   * Records a checked message: the next state is computed first (a refusal leaves the log alone),
   * then the message is made durable, then the session moves on. Called under the session's lock.
   */
  private async persist (message: SignedRecord<SessionMessage>, direction: 'in' | 'out'): Promise<SessionState> {
    const entry = this.sessions.get(message.value.session)
    const state = entry === undefined ? open(message.value, message.cid) : apply(entry.state, message.value, message.cid, verify)
    await this.log.append('record', { kind: sessionMessageKind.name, record: message.cid }, [message])
    this.remember(message, state)
    await this.recordCommitment(state)
    log('session %s: %s %s seq %d, now %s', message.value.session, direction, message.value.type, message.value.seq, state.phase)
    for (const listener of this.listeners) listener({ session: message.value.session, message: message.value, cid: message.cid, state, direction })
    return state
  }

  /** Once both signatures exist, the commitment, identical on both sides, goes into the log (once). */
  private async recordCommitment (state: SessionState): Promise<void> {
    if (state.phase === 'accepted' || state.agreement === null) return
    const commitment = this.commitment(state.id)
    if (commitment === undefined || await this.log.getBlock(commitment.cid) !== undefined) return
    await this.log.append('record', { kind: commitmentKind.name, record: commitment.cid }, [commitment])
  }

  private remember (message: SignedRecord<SessionMessage>, state: SessionState): void {
    const entry = this.sessions.get(message.value.session)
    if (entry === undefined) this.sessions.set(message.value.session, { state, messages: [message] })
    else {
      entry.state = state
      entry.messages.push(message)
    }
  }

  private roleIn (state: SessionState): Role {
    return state.parties.initiator.org === this.org ? 'initiator' : 'responder'
  }

  private openSessionsWith (org: string): number {
    let n = 0
    for (const { state } of this.sessions.values()) {
      if (state.phase !== 'closed' && (state.parties.initiator.org === org || state.parties.responder.org === org)) n++
    }
    return n
  }
}
