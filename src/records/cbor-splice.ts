// The canonical bytes of a record without its signature field, cut out of the record's own canonical
// bytes instead of re-encoded: removing one key from a canonical DAG-CBOR map leaves the others in
// canonical order, so the result equals DAG-CBOR(unsigned value) byte for byte (a test checks this).
// It saves one full encode per signature check, which matters when auditing millions of entries.
import { concatBytes } from './bytes.js'

/** Offset just past the CBOR data item starting at `i` (bytes assumed well-formed: already decoded). */
function itemEnd (b: Uint8Array, i: number): number {
  return walk(b, i, Number.MAX_SAFE_INTEGER)
}

class TooDeep extends Error {}

/**
 * True when the CBOR item nests lists, maps and tags more than `max` levels deep. Runs before
 * decoding: decoders recurse, and where their stack gives out depends on the thread, so without a
 * fixed limit the same bytes could decode in a worker and fail on the main thread. Malformed bytes
 * give false, and the decoder then reports them.
 */
export function nestsDeeperThan (bytes: Uint8Array, max: number): boolean {
  try {
    walk(bytes, 0, max)
    return false
  } catch (err) {
    return err instanceof TooDeep
  }
}

function walk (b: Uint8Array, i: number, depthLeft: number): number {
  if (i >= b.length) throw new RangeError('truncated CBOR')
  const initial = b[i] as number
  const major = initial >> 5
  const info = initial & 31
  let arg: number
  let p: number
  if (info < 24) { arg = info; p = i + 1 } else if (info === 24) { arg = b[i + 1] as number; p = i + 2 } else if (info === 25) {
    arg = ((b[i + 1] as number) << 8) | (b[i + 2] as number); p = i + 3
  } else if (info === 26) {
    arg = (((b[i + 1] as number) << 24) >>> 0) + ((b[i + 2] as number) << 16) + ((b[i + 3] as number) << 8) + (b[i + 4] as number); p = i + 5
  } else if (info === 27) {
    arg = Number(new DataView(b.buffer, b.byteOffset + i + 1, 8).getBigUint64(0)); p = i + 9
  } else {
    throw new RangeError('indefinite or reserved CBOR item')
  }
  if (major === 0 || major === 1 || major === 7) return p
  if (major === 2 || major === 3) return p + arg
  if (depthLeft === 0) throw new TooDeep()
  if (major === 6) return walk(b, p, depthLeft - 1) // a tag and its item
  const items = major === 4 ? arg : 2 * arg
  if (items > b.length) throw new RangeError('CBOR length past the end')
  for (let k = 0; k < items; k++) p = walk(b, p, depthLeft - 1)
  return p
}

function mapHeader (count: number): Uint8Array {
  if (count < 24) return Uint8Array.of(0xa0 | count)
  if (count < 256) return Uint8Array.of(0xb8, count)
  return Uint8Array.of(0xb9, count >> 8, count & 0xff)
}

/**
 * The canonical encoding of the map in `bytes` without the text key `field`, or undefined when the
 * top-level item is not a map holding that key.
 */
export function withoutField (bytes: Uint8Array, field: string): Uint8Array | undefined {
  const initial = bytes[0]
  if (initial === undefined || initial >> 5 !== 5) return undefined
  const key = Buffer.from(field, 'utf8')
  if (key.length > 23) return undefined
  const info = initial & 31
  const headerLength = info < 24 ? 1 : info === 24 ? 2 : info === 25 ? 3 : 0
  if (headerLength === 0) return undefined
  const pairs = info < 24 ? info : info === 24 ? (bytes[1] as number) : ((bytes[1] as number) << 8) | (bytes[2] as number)
  let p = headerLength
  for (let n = 0; n < pairs; n++) {
    const start = p
    const keyEnd = itemEnd(bytes, p)
    const valueEnd = itemEnd(bytes, keyEnd)
    if (keyEnd - start === key.length + 1 && bytes[start] === (0x60 | key.length) && Buffer.compare(bytes.subarray(start + 1, keyEnd), key) === 0) {
      const header = mapHeader(pairs - 1)
      const out = new Uint8Array(header.length + (start - headerLength) + (bytes.length - valueEnd))
      out.set(header)
      out.set(bytes.subarray(headerLength, start), header.length)
      out.set(bytes.subarray(valueEnd), header.length + start - headerLength)
      return out
    }
    p = valueEnd
  }
  return undefined
}

/**
 * The canonical encoding of the map in `bytes` with the byte-string field `field` added (the map
 * must not hold it yet): the inverse of withoutField, used to sign an entry without encoding it twice.
 */
export function withBytesField (bytes: Uint8Array, field: string, value: Uint8Array): Uint8Array {
  const initial = bytes[0] as number
  const info = initial & 31
  if (initial >> 5 !== 5 || info > 25) throw new RangeError('not a DAG-CBOR map')
  const headerLength = info < 24 ? 1 : info === 24 ? 2 : 3
  const pairs = info < 24 ? info : info === 24 ? (bytes[1] as number) : ((bytes[1] as number) << 8) | (bytes[2] as number)
  const key = Buffer.from(field, 'utf8')
  if (key.length > 23 || value.length > 255) throw new RangeError('field name or value too long for this splice')
  const pair = concatBytes([Uint8Array.of(0x60 | key.length), key, value.length < 24 ? Uint8Array.of(0x40 | value.length) : Uint8Array.of(0x58, value.length), value])
  let p = headerLength
  for (let n = 0; n < pairs; n++) {
    const keyEnd = itemEnd(bytes, p)
    // DAG-CBOR order: shorter keys first, then bytewise; text keys under 24 bytes have a 1-byte header.
    const existing = bytes.subarray(p + 1, keyEnd)
    const order = existing.length - key.length || Buffer.compare(existing, key)
    if (order === 0) throw new RangeError(`the map already holds ${field}`)
    if (order > 0) break
    p = itemEnd(bytes, keyEnd)
  }
  return concatBytes([mapHeader(pairs + 1), bytes.subarray(headerLength, p), pair, bytes.subarray(p)])
}
