// Length-prefixed frames (protocols/network.md §5.2) read incrementally from a stream's 'message'
// events: bytes go in as they arrive, whole payloads come out, synchronously. A prefix that is too
// long, not minimal, or announces more than the limit is refused as soon as the prefix is complete,
// before any of the payload is buffered.

/** Bytes of the minimal unsigned varint of `n`. */
export function varintLength (n: number): number {
  let length = 1
  while (n >= 0x80) {
    n = Math.floor(n / 0x80)
    length++
  }
  return length
}

/** `payload` behind its minimal unsigned-varint length prefix, as one buffer. */
export function frame (payload: Uint8Array): Uint8Array {
  const prefix = varintLength(payload.length)
  const out = new Uint8Array(prefix + payload.length)
  let n = payload.length
  let i = 0
  while (n >= 0x80) {
    out[i++] = (n & 0x7f) | 0x80
    n = Math.floor(n / 0x80)
  }
  out[i] = n
  out.set(payload, prefix)
  return out
}

export class FrameError extends Error {
  override name = 'FrameError'
}

export class FrameReader {
  private buffered: Uint8Array = new Uint8Array(0)
  private readonly maxPrefixBytes: number

  constructor (private readonly maxFrameBytes: number) {
    this.maxPrefixBytes = varintLength(maxFrameBytes)
  }

  /** True while the bytes of an unfinished frame are held. */
  get partial (): boolean {
    return this.buffered.length > 0
  }

  /** Takes the next bytes of the stream; returns every payload now complete, in order. Throws FrameError. */
  push (chunk: Uint8Array): Uint8Array[] {
    const bytes = this.buffered.length === 0 ? chunk : concat(this.buffered, chunk)
    const payloads: Uint8Array[] = []
    let offset = 0
    for (;;) {
      const header = this.prefixAt(bytes, offset)
      if (header === undefined || bytes.length - offset - header.prefix < header.length) break
      const start = offset + header.prefix
      payloads.push(bytes.subarray(start, start + header.length))
      offset = start + header.length
    }
    // A copy, so that a small leftover does not pin a large chunk in memory.
    this.buffered = offset === bytes.length ? new Uint8Array(0) : bytes.slice(offset)
    return payloads
  }

  /** The length prefix at `offset`, or undefined while it is incomplete. */
  private prefixAt (bytes: Uint8Array, offset: number): { prefix: number, length: number } | undefined {
    let length = 0
    let scale = 1
    for (let i = 0; ; i++) {
      if (i >= this.maxPrefixBytes) throw new FrameError(`a length prefix longer than ${this.maxPrefixBytes} bytes`)
      if (offset + i >= bytes.length) return undefined
      const byte = bytes[offset + i] as number
      length += (byte & 0x7f) * scale
      scale *= 0x80
      if ((byte & 0x80) !== 0) continue
      if (byte === 0 && i > 0) throw new FrameError('a length prefix that is not the minimal varint')
      if (length > this.maxFrameBytes) throw new FrameError(`a frame of ${length} bytes, limit ${this.maxFrameBytes}`)
      if (length === 0) throw new FrameError('an empty frame')
      return { prefix: i + 1, length }
    }
  }
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** A decoded frame that is a plain DAG-CBOR map (not a list, bytes, CID or null). */
export function isPlainMap (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && Object.getPrototypeOf(value) === Object.prototype
}

/** A request id: an integer from 1 to 2^53 - 1. */
export function isRequestId (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
}

/** True when `map` has exactly `keys`, no more, no fewer. */
export function hasExactly (map: Record<string, unknown>, keys: string[]): boolean {
  const own = Object.keys(map)
  return own.length === keys.length && keys.every((k) => Object.hasOwn(map, k))
}

/** The bytes of a stream 'message' event as one Uint8Array (copied only when it came in pieces). */
export function bytesOf (data: Uint8Array | { subarray(): Uint8Array }): Uint8Array {
  return data instanceof Uint8Array ? data : data.subarray()
}

/**
 * Frames for one stream, written together when several are ready in the same turn of the event loop:
 * every stream.send() becomes a yamux frame, a noise message and about four socket writes, so 64
 * sessions answered by one group commit would otherwise cost 64 of each. A frame written while
 * nothing else waits goes out at once (no added latency for a lone message).
 */
export class Outbox {
  private queued: Uint8Array[] = []
  private scheduled = false

  constructor (private readonly send: (bytes: Uint8Array) => void) {}

  /** Queues `bytes`; `alone` says that no other frame of this stream is expected now. */
  write (bytes: Uint8Array, alone: boolean): void {
    if (alone && !this.scheduled) {
      this.send(bytes)
      return
    }
    this.queued.push(bytes)
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => { this.flush() })
  }

  /** Writes what is queued now (before the stream is closed, say). */
  flush (): void {
    this.scheduled = false
    const frames = this.queued
    this.queued = []
    if (frames.length === 0) return
    this.send(frames.length === 1 ? frames[0]! : Buffer.concat(frames))
  }
}
