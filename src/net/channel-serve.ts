// The responder's side of a channel stream (protocols/network.md §5.6). The first frame decides what
// the stream is: a map with the key `id` opens a channel (many requests, answers by id, in any
// order); anything else is the single request of the one-request-per-stream framing of §5, answered
// once before the stream closes, which is how requesters without channels still reach this node.
import { setMaxListeners } from 'node:events'
import type { PeerId, Stream } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { isAspError } from '../errors.js'
import { decodeCanonical, encode } from '../records/codec.js'
import { bytesOf, frame, FrameReader, hasExactly, isPlainMap, isRequestId, Outbox } from './frames.js'
import { NetError, type Handler } from './rpc.js'

const log = logger('asp:net:channel')

/** Longest `message` text in an error answer, in characters. */
export const MAX_ERROR_MESSAGE = 512

export interface ServeLimits {
  maxFrameBytes: number
  requestTimeoutMs: number
  maxInFlight: number
  idleMs: number
}

type Reply = { ok: unknown } | { error: { code: string, message: string } }

/** Requests being served per remote peer, over all of its streams of one protocol. */
export class InFlight {
  private readonly counts = new Map<string, number>()

  of (peer: string): number {
    return this.counts.get(peer) ?? 0
  }

  add (peer: string): void {
    this.counts.set(peer, this.of(peer) + 1)
  }

  remove (peer: string): void {
    const left = this.of(peer) - 1
    if (left <= 0) this.counts.delete(peer)
    else this.counts.set(peer, left)
  }
}

/**
 * The handlers' deadline signal, one per tenth of a second rather than one per request (an
 * AbortSignal.timeout costs tens of µs): each request gets at least `ms`, at most `ms` + 100.
 */
export class SharedTimeout {
  private current: { until: number, signal: AbortSignal } | undefined

  constructor (private readonly ms: number) {}

  signal (): AbortSignal {
    const now = performance.now()
    if (this.current === undefined || this.current.until <= now) {
      const signal = AbortSignal.timeout(this.ms + 100)
      // Many handlers may wait on one signal at once; that is by design, not a leak.
      setMaxListeners(Infinity, signal)
      this.current = { until: now + 100, signal }
    }
    return this.current.signal
  }
}

export class InboundStream {
  private readonly reader: FrameReader
  private readonly outbox: Outbox
  private readonly peerKey: string
  private mode: 'first' | 'channel' | 'single' = 'first'
  private lastId = 0
  private active = 0
  private remoteDone = false
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor (
    private readonly stream: Stream,
    private readonly remote: PeerId,
    private readonly handler: Handler,
    private readonly limits: ServeLimits,
    private readonly inFlight: InFlight,
    private readonly deadline: SharedTimeout
  ) {
    this.reader = new FrameReader(limits.maxFrameBytes)
    this.outbox = new Outbox((bytes) => {
      if (stream.writeStatus !== 'writable') return
      try {
        stream.send(bytes)
      } catch (err) {
        stream.abort(err as Error)
      }
    })
    this.peerKey = remote.toString()
    // A peer that does not read its answers gets the stream reset instead of an ever-growing buffer.
    stream.maxWriteBufferLength = 4 * limits.maxFrameBytes
    stream.addEventListener('message', (event) => { this.onBytes(bytesOf(event.data)) })
    stream.addEventListener('remoteCloseWrite', () => {
      if (this.reader.partial) return this.reset('the stream ended inside a frame')
      if (this.mode === 'first') return this.reset('the stream ended before a request')
      this.remoteDone = true
      this.closeIfDone()
    })
    stream.addEventListener('close', () => { clearTimeout(this.timer) })
    this.arm()
  }

  private onBytes (chunk: Uint8Array): void {
    let payloads: Uint8Array[]
    try {
      payloads = this.reader.push(chunk)
    } catch (err) {
      this.reset((err as Error).message)
      return
    }
    for (const payload of payloads) {
      if (this.stream.status !== 'open' || this.mode === 'single') break
      this.onFrame(payload)
    }
    this.arm()
  }

  private onFrame (payload: Uint8Array): void {
    let value: unknown
    try {
      value = decodeCanonical(payload)
    } catch (err) {
      this.reset(`not canonical DAG-CBOR: ${(err as Error).message}`)
      return
    }
    if (this.mode === 'first') {
      this.mode = isPlainMap(value) && Object.hasOwn(value, 'id') ? 'channel' : 'single'
      if (this.mode === 'single') {
        this.serve(value, (reply) => {
          this.send(frame(encode(reply)))
          this.remoteDone = true
          this.closeIfDone()
        })
        return
      }
    }
    const id = isPlainMap(value) ? value.id : undefined
    if (!isPlainMap(value) || !isRequestId(id)) return this.reset('a channel frame without a request id')
    if (id <= this.lastId) return this.reset(`request id ${id} after ${this.lastId}: ids must increase`)
    this.lastId = id
    // This side is closing (idle): a request now could not be answered, so it is not served.
    if (this.stream.writeStatus !== 'writable') return
    const answer = (reply: Reply): void => { this.send(frame(encode({ id, ...reply }))) }
    if (!hasExactly(value, ['id', 'request'])) {
      answer({ error: { code: 'NET_REQUEST_INVALID', message: 'a request frame is {id, request}' } })
      return
    }
    this.serve(value.request, answer)
  }

  /** Runs the handler on one request (or refuses it when the peer has too many in flight), then answers. */
  private serve (request: unknown, answer: (reply: Reply) => void): void {
    if (this.inFlight.of(this.peerKey) >= this.limits.maxInFlight) {
      answer({ error: { code: 'NET_BUSY', message: `${this.limits.maxInFlight} requests of this peer are in flight` } })
      return
    }
    this.active++
    this.inFlight.add(this.peerKey)
    void (async () => {
      let reply: Reply
      try {
        reply = { ok: await this.handler(request, this.remote, this.deadline.signal()) }
      } catch (err) {
        if (!isAspError(err)) log.error('handler failed: %e', err)
        reply = { error: isAspError(err) ? { code: err.code, message: err.message.slice(0, MAX_ERROR_MESSAGE) } : { code: 'INTERNAL', message: 'internal error' } }
      } finally {
        this.active--
        this.inFlight.remove(this.peerKey)
      }
      answer(reply)
      this.closeIfDone()
      this.arm()
    })()
  }

  /** Writes an answer: at once when it is the only one due, with the others of this turn otherwise. */
  private send (bytes: Uint8Array): void {
    if (this.stream.writeStatus !== 'writable') return
    this.outbox.write(bytes, this.active === 0)
  }

  private reset (why: string): void {
    log('reset a stream of %p: %s', this.remote, why)
    clearTimeout(this.timer)
    this.stream.abort(new NetError('NET_FRAME_INVALID', why))
  }

  /** Once the requester is done (or the stream idle) and every answer is out, this side closes too. */
  private closeIfDone (): void {
    if (!this.remoteDone || this.active > 0 || this.stream.status !== 'open' || this.stream.writeStatus !== 'writable') return
    clearTimeout(this.timer)
    this.outbox.flush()
    this.stream.close().catch((err: Error) => { this.stream.abort(err) })
  }

  /**
   * One timer: the first request and any frame begun must arrive whole within the request deadline;
   * a channel with nothing in flight closes after twice the requester's idle time.
   */
  private arm (): void {
    clearTimeout(this.timer)
    if (this.stream.status !== 'open' || this.remoteDone) return
    if (this.mode === 'first' || this.reader.partial) {
      this.timer = setTimeout(() => { this.reset('no whole frame in time') }, this.limits.requestTimeoutMs)
    } else if (this.active === 0 && this.mode === 'channel') {
      this.timer = setTimeout(() => { this.remoteDone = true; this.closeIfDone() }, 2 * this.limits.idleMs)
    } else {
      return
    }
    this.timer.unref()
  }
}
