// Long-lived, multiplexed request channels (protocols/network.md §5.6): one stream per remote peer
// and protocol, opened on first use and kept open, carrying many requests at once. Every frame is
// length-prefixed canonical DAG-CBOR with a request id; answers are matched by id and may come in
// any order. A new stream per request (open, multistream-select, peer-store update, close) cost more
// than a whole session message; on a channel a request costs one frame each way.
//
// Failure model: a request whose stream dies before its answer fails with NET_CHANNEL_CLOSED (it may
// or may not have been served), so callers whose requests are idempotent simply resend; the next
// request opens a new stream. Hostile input (a bad prefix, an oversized or non-canonical frame, an
// id that does not increase, an unknown answer id) resets the stream; a well-framed request of the
// wrong shape, or one over the in-flight limit, gets an error frame. Nothing reaches the handler
// unchecked, and a stream's state is only its own ids and buffers.
import type { Connection, PeerId, Stream, StreamCloseEvent } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { decodeCanonical, encode } from '../records/codec.js'
import { InboundStream, InFlight, SharedTimeout } from './channel-serve.js'
import { bytesOf, frame, FrameReader, hasExactly, isPlainMap, isRequestId, Outbox } from './frames.js'
import type { Peer } from './libp2p.js'
import { NetError, type Handler } from './rpc.js'

const log = logger('asp:net:channel')

export interface ChannelLimits {
  /** Largest frame payload accepted either way, in bytes. */
  maxFrameBytes: number
  /** Deadline of one request on the requester (from the call to the answer); the responder gives its handler as long. */
  requestTimeoutMs: number
  /** Requests in flight with one peer, each way: the requester queues beyond it, the responder answers NET_BUSY. */
  maxInFlight: number
  /** A requester closes a stream with nothing in flight for this long; a responder closes after twice this. */
  idleMs: number
  /** Inbound streams of the protocol per connection (and outbound, for the libp2p registrar). */
  maxStreams: number
}

interface Waiter {
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

/**
 * When a request gives up: a time, and the caller's own signal if it gave one. Plain timers, not an
 * AbortSignal per request: AbortSignal.timeout with a listener cost about 25 times a setTimeout here,
 * once or twice per message.
 */
class Deadline {
  constructor (readonly at: number, readonly signal?: AbortSignal) {}

  get passed (): boolean {
    return performance.now() >= this.at || this.signal?.aborted === true
  }

  /** Calls `onPass` (perhaps twice) when the deadline passes; the returned function cancels that. */
  watch (onPass: () => void): () => void {
    const timer = setTimeout(onPass, Math.max(0, this.at - performance.now()))
    const signal = this.signal
    if (signal === undefined) return () => { clearTimeout(timer) }
    signal.addEventListener('abort', onPass, { once: true })
    return () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onPass)
    }
  }
}

/** The requester's side of one stream: its ids, its requests waiting for answers. */
class Line {
  private nextId = 1
  private readonly pending = new Map<number, Waiter>()
  private readonly reader: FrameReader
  private readonly outbox: Outbox
  private idleTimer: ReturnType<typeof setTimeout> | undefined
  private lastAnswerAt = performance.now()
  private dead = false

  constructor (readonly stream: Stream, private readonly limits: ChannelLimits, private readonly onDead: (line: Line) => void) {
    this.reader = new FrameReader(limits.maxFrameBytes)
    this.outbox = new Outbox((bytes) => {
      try {
        stream.send(bytes)
      } catch (err) {
        this.abort(new NetError('NET_CHANNEL_CLOSED', `cannot write to the channel: ${(err as Error).message}`, {}, { cause: err }))
      }
    })
    stream.addEventListener('message', (event) => { this.onBytes(event.data) })
    stream.addEventListener('remoteCloseWrite', () => {
      // The responder closes when it finds the stream idle: nothing more will be answered here.
      this.end(new NetError('NET_CHANNEL_CLOSED', 'the peer closed the channel'))
      this.stream.close().catch((err: Error) => { this.stream.abort(err) })
    })
    stream.addEventListener('close', (event: StreamCloseEvent) => {
      this.end(new NetError('NET_CHANNEL_CLOSED', `the channel closed${event.error !== undefined ? `: ${event.error.message}` : ''}`, {}, { cause: event.error }))
    })
    this.armIdle()
  }

  get alive (): boolean {
    return !this.dead
  }

  /** Sends one request and resolves with its answer's `ok` value. */
  async call (body: unknown, deadline: Deadline): Promise<unknown> {
    if (this.dead) throw new NetError('NET_CHANNEL_CLOSED', 'the channel is closed')
    if (deadline.passed) throw new NetError('NET_TIMEOUT', 'no answer in time')
    const id = this.nextId++
    const bytes = frame(encode({ id, request: body }))
    const sentAt = performance.now()
    clearTimeout(this.idleTimer)
    const alone = this.pending.size === 0
    return new Promise((resolve, reject) => {
      const cancel = deadline.watch(() => {
        if (!this.pending.delete(id)) return
        reject(new NetError('NET_TIMEOUT', 'no answer in time'))
        // No answer at all since this request went out: the stream is stuck, not just this request.
        if (this.lastAnswerAt < sentAt) this.abort(new NetError('NET_TIMEOUT', 'the channel answered nothing in time'))
        else this.armIdle()
      })
      this.pending.set(id, {
        resolve: (value) => { cancel(); this.armIdle(); resolve(value) },
        reject: (err) => { cancel(); this.armIdle(); reject(err) }
      })
      // Frames go out in id order: the id is taken and the frame queued in the same turn.
      this.outbox.write(bytes, alone)
    })
  }

  /** Closes the write side once idle; the responder then closes its side, and the stream ends. */
  close (): void {
    if (this.dead) return
    this.dead = true
    this.onDead(this)
    this.failAll(new NetError('NET_CHANNEL_CLOSED', 'the channel was closed'))
    this.stream.close().catch((err: Error) => { this.stream.abort(err) })
  }

  abort (err: Error): void {
    this.end(err)
    this.stream.abort(err)
  }

  private onBytes (data: Uint8Array | { subarray(): Uint8Array }): void {
    let payloads: Uint8Array[]
    try {
      payloads = this.reader.push(bytesOf(data))
    } catch (err) {
      this.abort(new NetError('NET_FRAME_INVALID', `bad answer frame: ${(err as Error).message}`))
      return
    }
    for (const payload of payloads) {
      if (this.dead) return
      this.onAnswer(payload)
    }
  }

  private onAnswer (payload: Uint8Array): void {
    let value: unknown
    try {
      value = decodeCanonical(payload)
    } catch (err) {
      this.abort(new NetError('NET_FRAME_INVALID', `the answer is not canonical DAG-CBOR: ${(err as Error).message}`))
      return
    }
    const id = isPlainMap(value) ? value.id : undefined
    if (!isPlainMap(value) || !isRequestId(id) || id >= this.nextId) {
      this.abort(new NetError('NET_FRAME_INVALID', 'an answer without the id of a request sent on this stream'))
      return
    }
    let outcome: { ok: unknown } | { error: NetError }
    if (hasExactly(value, ['id', 'ok'])) {
      outcome = { ok: value.ok }
    } else if (hasExactly(value, ['id', 'error']) && isPlainMap(value.error) && hasExactly(value.error, ['code', 'message']) &&
      typeof value.error.code === 'string' && typeof value.error.message === 'string') {
      const { code, message } = value.error
      outcome = code === 'NET_BUSY'
        ? { error: new NetError('NET_BUSY', `the peer is busy: ${message}`) }
        : { error: new NetError('NET_REMOTE_ERROR', `the peer answered ${code}: ${message}`, { remoteCode: code }) }
    } else {
      this.abort(new NetError('NET_FRAME_INVALID', 'an answer that is neither {id, ok} nor {id, error}'))
      return
    }
    this.lastAnswerAt = performance.now()
    const waiter = this.pending.get(id)
    // An id sent on this stream that no one waits for any more (it timed out): a late answer, dropped.
    if (waiter === undefined) return
    this.pending.delete(id)
    if ('ok' in outcome) waiter.resolve(outcome.ok)
    else waiter.reject(outcome.error)
  }

  private end (err: Error): void {
    if (!this.dead) {
      this.dead = true
      this.onDead(this)
    }
    clearTimeout(this.idleTimer)
    this.failAll(err instanceof NetError ? err : new NetError('NET_CHANNEL_CLOSED', err.message, {}, { cause: err }))
  }

  private failAll (err: NetError): void {
    const waiters = [...this.pending.values()]
    this.pending.clear()
    for (const waiter of waiters) waiter.reject(err)
  }

  private armIdle (): void {
    clearTimeout(this.idleTimer)
    if (this.dead || this.pending.size > 0) return
    this.idleTimer = setTimeout(() => { if (this.pending.size === 0) this.close() }, this.limits.idleMs)
    this.idleTimer.unref()
  }
}

/** The requester's channel to one peer: one line at a time, and a bound on requests in flight. */
class Outbound {
  private line: Line | null = null
  private opening: Promise<Line> | null = null
  private inFlight = 0
  private readonly queue: Array<() => void> = []
  private closed = false

  constructor (private readonly peer: Peer, private readonly remote: PeerId, private readonly protocol: string, private readonly limits: ChannelLimits) {}

  async request (body: unknown, deadline: Deadline): Promise<unknown> {
    await this.acquire(deadline)
    try {
      const line = this.line?.alive === true && !this.closed ? this.line : await this.open(deadline)
      return await line.call(body, deadline)
    } finally {
      this.release()
    }
  }

  /** Ends the line; requests in flight or waiting fail with NET_CHANNEL_CLOSED, and later ones too. */
  close (): void {
    this.closed = true
    this.line?.close()
    for (const wake of this.queue.splice(0)) wake()
  }

  get idle (): boolean {
    return this.line === null && this.opening === null && this.inFlight === 0
  }

  private async open (deadline: Deadline): Promise<Line> {
    if (this.closed) throw new NetError('NET_CHANNEL_CLOSED', 'the channels are closed')
    if (this.line?.alive === true) return this.line
    this.opening ??= (async () => {
      try {
        const stream = await this.peer.dialProtocol(this.remote, this.protocol, { signal: AbortSignal.timeout(this.limits.requestTimeoutMs) })
        const line = new Line(stream, this.limits, (dead) => { if (this.line === dead) this.line = null })
        this.line = line
        log('opened %s to %p', this.protocol, this.remote)
        return line
      } catch (err) {
        throw new NetError('NET_UNREACHABLE', `cannot open ${this.protocol}: ${(err as Error).message}`, {}, { cause: err })
      } finally {
        this.opening = null
      }
    })()
    return beforeDeadline(this.opening, deadline)
  }

  private async acquire (deadline: Deadline): Promise<void> {
    if (deadline.passed) throw new NetError('NET_TIMEOUT', 'no answer in time')
    if (this.inFlight < this.limits.maxInFlight) {
      this.inFlight++
      return
    }
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        cancel()
        this.inFlight++
        resolve()
      }
      const cancel = deadline.watch(() => {
        const at = this.queue.indexOf(wake)
        if (at < 0) return
        this.queue.splice(at, 1)
        reject(new NetError('NET_TIMEOUT', `waited too long behind ${this.limits.maxInFlight} requests in flight`))
      })
      this.queue.push(wake)
    })
  }

  private release (): void {
    this.inFlight--
    this.queue.shift()?.()
  }
}

async function beforeDeadline<T> (promise: Promise<T>, deadline: Deadline): Promise<T> {
  if (deadline.passed) throw new NetError('NET_TIMEOUT', 'no answer in time')
  let cancel: (() => void) | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => {
      cancel = deadline.watch(() => { reject(new NetError('NET_TIMEOUT', 'no answer in time')) })
    })])
  } finally {
    cancel?.()
  }
}

/** Channels of one protocol: requests to any peer, and the service of the peers' requests. */
export class Channels {
  private readonly outbound = new Map<string, Outbound>()
  /** Requests being served, per remote peer, over all its streams. */
  private readonly serving = new InFlight()
  private readonly handlerDeadline: SharedTimeout

  constructor (private readonly peer: Peer, readonly protocol: string, private readonly limits: ChannelLimits) {
    this.handlerDeadline = new SharedTimeout(limits.requestTimeoutMs)
  }

  /** Sends `body` to `remote` and resolves with the `ok` value of the answer; throws a NetError. */
  async request (remote: PeerId, body: unknown, options: { signal?: AbortSignal } = {}): Promise<unknown> {
    const deadline = new Deadline(performance.now() + this.limits.requestTimeoutMs, options.signal)
    const key = remote.toString()
    let channel = this.outbound.get(key)
    if (channel === undefined) {
      channel = new Outbound(this.peer, remote, this.protocol, this.limits)
      this.outbound.set(key, channel)
      // Forget peers whose channel has been idle, so the map does not grow with every peer ever met.
      if (this.outbound.size > 1024) for (const [k, c] of this.outbound) if (c.idle && k !== key) this.outbound.delete(k)
    }
    return channel.request(body, deadline)
  }

  async serve (handler: Handler): Promise<void> {
    await this.peer.handle(this.protocol, (stream: Stream, connection: Connection) => {
      void new InboundStream(stream, connection.remotePeer, handler, this.limits, this.serving, this.handlerDeadline)
    }, { maxInboundStreams: this.limits.maxStreams, maxOutboundStreams: this.limits.maxStreams })
  }

  /** Closes every outbound channel (their requests in flight fail with NET_CHANNEL_CLOSED). */
  close (): void {
    for (const channel of this.outbound.values()) channel.close()
    this.outbound.clear()
  }
}
