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
import { publicKeyOfOrg } from '../records/org-id.js'
import type { Signer } from '../records/ed25519.js'
import { VerifiedSignatures } from '../records/verify-memo.js'
import { decodeRecord, decodeRecordOffThread, encodeRecord, signRecord, signRecordOffThread, type SignedRecord } from '../records/record.js'
import { commitmentKind, commitmentOf, commitSigningMessage } from './commitment-kind.js'
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
  /** The commitment record, once both COMMITs exist. */
  commitment?: SignedRecord<unknown>
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

/** The commitment record of a state with both COMMITs (phase committed or later). */
function commitmentRecord (state: SessionState): SignedRecord<unknown> {
  const { agreement, commits } = state
  if (agreement === null || commits.initiator === undefined || commits.responder === undefined) throw new Error(`session ${state.id} has no commitment`)
  return encodeRecord(commitmentKind, commitmentOf(agreement.value, agreement.deal, { initiator: commits.initiator, responder: commits.responder }))
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
  private readonly peerIds = new Map<string, PeerId>()

  /** Messages being received or sent now: above one, signatures are made and checked off the main thread. */
  private busy = 0

  constructor (
    private readonly peer: Peer,
    private readonly log: Log,
    private readonly signer: Signer,
    private readonly config: NodeConfig,
    private readonly clock: Clock,
    /** The node's remembered signatures: a COMMIT's is checked when built, when recorded, and in its attestation. */
    readonly signatures = new VerifiedSignatures()
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
      this.remember(message, known === undefined ? open(message.value, message.cid) : apply(known.state, message.value, message.cid, this.signatures.verify))
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
    const entry = this.sessions.get(session)
    const commits = entry?.state.commits
    if (entry === undefined || commits?.initiator === undefined || commits.responder === undefined) return undefined
    // Both signatures never change once there: the record is built once.
    entry.commitment ??= commitmentRecord(entry.state)
    return entry.commitment
  }

  transcript (session: string): Array<SignedRecord<SessionMessage>> {
    return [...(this.sessions.get(session)?.messages ?? [])]
  }

  /** Opens a session with another org's agent by sending its first message. */
  async open<K extends MessageType> (as: string, to: Party, first: Outgoing<K>): Promise<SessionState> {
    await this.guard?.beforeSend(first, { from: { org: this.org, agent: as }, to })
    const id = base32.baseEncode(randomBytes(16))
    return this.whileBusy(async () => {
      const message = await this.sign(id, 1, null, { org: this.org, agent: as }, to, first)
      const state = open(message.value, message.cid) // refuses here, before anything leaves the node
      await this.deliver(message)
      return this.withLock(id, async () => this.persist(message, 'out', state))
    })
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
    return this.whileBusy(async () => this.sendNow(session, entry, next))
  }

  private async sendNow (session: string, entry: Entry, next: Outgoing): Promise<SessionState> {
    const message = await this.withLock(session, async () => {
      const s = entry.state
      const role = this.roleIn(s)
      if (s.waitingOn === role && entry.approved !== true && next.type !== 'ESCALATE') {
        throw new SessionError('SESSION_AWAITING_APPROVAL', 'this side escalated the session; a human must approve before it continues')
      }
      if (entry.pending !== undefined) throw new SessionError('SESSION_BUSY', 'a message of this side is still being delivered')
      const built = await this.sign(session, s.seq + 1, s.head, { org: this.org, agent: s.speakers[role] }, { org: s.parties[other(role)].org, agent: s.speakers[other(role)] }, next, Math.max(this.clock.now(), s.lastTs))
      await this.precheckCommit(s, built.value)
      const after = apply(s, built.value, built.cid, this.signatures.verify) // refuses here, before anything leaves the node
      entry.pending = built.value.seq
      return { built, on: s, after }
    })
    try {
      await this.deliver(message.built)
    } catch (err) {
      entry.pending = undefined
      throw err
    }
    const state = await this.withLock(session, async () => {
      entry.pending = undefined
      // The state it was built on is still the session's (the usual case): its next state stands.
      return this.persist(message.built, 'out', entry.state === message.on ? message.after : undefined)
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

  /**
   * Runs one message's work, counted: while a node handles one message at a time its signatures are
   * made and checked right here (the lowest latency); with more at once, on the thread pool, so the
   * main thread moves on to the other messages and both cores work.
   */
  private async whileBusy<T> (work: () => Promise<T>): Promise<T> {
    this.busy++
    try {
      return await work()
    } finally {
      this.busy--
    }
  }

  private get offThread (): boolean {
    return this.busy > 1
  }

  /** Under load, a COMMIT's signature is checked on the thread pool first, so that apply() finds it remembered. */
  private async precheckCommit (state: SessionState | undefined, m: SessionMessage): Promise<void> {
    if (m.type !== 'COMMIT' || state?.agreement == null || !this.offThread) return
    await this.signatures.verifyOffThread(publicKeyOfOrg(m.from.org), commitSigningMessage(state.agreement.value), (m.body as Body<'COMMIT'>).sig)
  }

  private async sign (id: string, seq: number, prev: CID | null, from: Party, to: Party, next: Outgoing, ts = this.clock.now()): Promise<SignedRecord<SessionMessage>> {
    return (this.offThread ? signRecordOffThread : signRecord)(sessionMessageKind, {
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
    const remote = this.peerIdOf(message.value.to.org)
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
    return this.whileBusy(async () => this.receiveNow(parsed.data.message, remote, signal))
  }

  private async receiveNow (bytes: Uint8Array, remote: PeerId, signal: AbortSignal): Promise<unknown> {
    let message: SignedRecord<SessionMessage>
    try {
      message = this.offThread ? await decodeRecordOffThread(sessionMessageKind, bytes) : decodeRecord(sessionMessageKind, bytes)
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
    let state: SessionState
    if (entry === undefined) {
      if (this.openSessionsWith(m.from.org) >= this.config.net.maxStreamsPerPeer * 8) throw new SessionError('SESSION_LIMIT', 'too many open sessions with this org')
      state = open(m, message.cid)
    } else {
      // Both sides sent the same seq at once: the initiator's message wins, the other is refused.
      if (entry.pending === m.seq && this.roleIn(entry.state) === 'initiator') throw new SessionError('SESSION_CONFLICT', 'the initiator\'s message at this seq goes first')
      await this.precheckCommit(entry.state, m)
      state = apply(entry.state, m, message.cid, this.signatures.verify)
    }
    await this.persist(message, 'in', state)
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
   * Records a checked message: the next state is known first (a refusal leaves the log alone), then
   * the message is made durable, then the session moves on. Called under the session's lock, with
   * the next state when the caller has just computed it on the session's current state.
   */
  private async persist (message: SignedRecord<SessionMessage>, direction: 'in' | 'out', computed?: SessionState): Promise<SessionState> {
    const entry = this.sessions.get(message.value.session)
    const state = computed ?? (entry === undefined ? open(message.value, message.cid) : apply(entry.state, message.value, message.cid, this.signatures.verify))
    const recorded = this.log.append('record', { kind: sessionMessageKind.name, record: message.cid }, [message])
    // The COMMIT that completes the commitment is recorded once (a resend never gets here), and the
    // commitment with it, queued right behind it: usually in the same durable write. Should the
    // message fail, so does the commitment (the log refuses what is signed on top of a failed write).
    let committed: Promise<unknown> | undefined
    if (message.value.type === 'COMMIT' && state.phase === 'committed') {
      const commitment = commitmentRecord(state)
      committed = this.log.append('record', { kind: commitmentKind.name, record: commitment.cid }, [commitment])
      committed.catch(() => {}) // awaited below, once the message is remembered
    }
    await recorded
    this.remember(message, state)
    await committed
    log('session %s: %s %s seq %d, now %s', message.value.session, direction, message.value.type, message.value.seq, state.phase)
    for (const listener of this.listeners) listener({ session: message.value.session, message: message.value, cid: message.cid, state, direction })
    return state
  }

  /** After a restart: a crash between the completing COMMIT and its commitment left the commitment to write. */
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

  /** Parsing a peer id costs more than a message's own checks: each peer's is parsed once. */
  private peerIdOf (org: string): PeerId {
    let id = this.peerIds.get(org)
    if (id === undefined) {
      id = peerIdFromString(org)
      if (this.peerIds.size >= 4096) this.peerIds.clear()
      this.peerIds.set(org, id)
    }
    return id
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
