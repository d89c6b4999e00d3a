// Signing a batch of log entries as one chain. Each entry's `prev` is the CID of the entry before it,
// and that CID covers the earlier entry's signature, so the entries of a batch are signed strictly in
// turn. The entries are encoded beforehand with a placeholder CID as `prev`; signing then patches in
// each real digest as it becomes known. A CID of the one ASP form always encodes to the same length,
// so the patched bytes are exactly the canonical encoding of the entry with its real `prev`.
// Pure: the log's worker thread (chain-worker.ts) and the log itself run the same code.
import { randomBytes } from 'node:crypto'
import { concatBytes } from '../records/bytes.js'
import { withBytesField } from '../records/cbor-splice.js'
import { sha256 } from '../records/codec.js'

export interface UnsignedLink {
  /** The canonical bytes of the unsigned entry. */
  bytes: Uint8Array
  /** Where the placeholder digest sits in `bytes`, to be replaced by the previous entry's digest; -1 when `prev` is already real. */
  prevAt: number
}

export interface SignedLink {
  /** The canonical bytes of the signed entry. */
  bytes: Uint8Array
  sig: Uint8Array
  /** SHA-256 of `bytes`: the digest of the entry's CID. */
  digest: Uint8Array
}

/**
 * A digest no entry holds by chance: 32 random bytes of this process. (Another org cannot plant it in
 * a record, not knowing it; should it ever occur twice in one entry, the log encodes that entry
 * with its real `prev` instead.)
 */
export const PLACEHOLDER_DIGEST: Uint8Array = new Uint8Array(randomBytes(32))

/** Where the placeholder digest is in `bytes`, when it is there exactly once; otherwise -1. */
export function placeholderAt (bytes: Uint8Array): number {
  const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const at = haystack.indexOf(PLACEHOLDER_DIGEST)
  return at >= 0 && haystack.indexOf(PLACEHOLDER_DIGEST, at + 1) < 0 ? at : -1
}

/** Signs the links in order, each over `domain` ‖ its bytes, patching in the previous link's digest first. */
export function signChain (links: UnsignedLink[], domain: Uint8Array, sign: (message: Uint8Array) => Uint8Array): SignedLink[] {
  const out: SignedLink[] = []
  let previous: Uint8Array | undefined
  for (const { bytes, prevAt } of links) {
    if (prevAt >= 0) {
      if (previous === undefined) throw new RangeError('the first link of a chain names its prev itself')
      bytes.set(previous, prevAt)
    }
    const message = new Uint8Array(domain.length + bytes.length)
    message.set(domain)
    message.set(bytes, domain.length)
    const sig = sign(message)
    const signed = withBytesField(bytes, 'sig', sig)
    previous = sha256(signed)
    out.push({ bytes: signed, sig, digest: previous })
  }
  return out
}

/** Links packed into three buffers, which worker threads take over instead of copying item by item. */
export interface PackedLinks {
  bytes: Uint8Array
  lengths: Int32Array
  /** prevAt of each link, or for signed links unused (empty). */
  prevAts: Int32Array
  /** For signed links: 64 bytes of signature, then 32 of digest, per link. */
  extras: Uint8Array
}

export function packUnsigned (links: UnsignedLink[]): PackedLinks {
  const bytes = concatBytes(links.map((l) => l.bytes))
  return { bytes, lengths: Int32Array.from(links, (l) => l.bytes.length), prevAts: Int32Array.from(links, (l) => l.prevAt), extras: new Uint8Array(0) }
}

export function unpackUnsigned (packed: PackedLinks): UnsignedLink[] {
  let at = 0
  return Array.from(packed.lengths, (length, i) => {
    const bytes = packed.bytes.subarray(at, at + length)
    at += length
    return { bytes, prevAt: packed.prevAts[i] as number }
  })
}

export function packSigned (links: SignedLink[]): PackedLinks {
  const extras = new Uint8Array(links.length * 96)
  links.forEach((l, i) => {
    extras.set(l.sig, i * 96)
    extras.set(l.digest, i * 96 + 64)
  })
  return { bytes: concatBytes(links.map((l) => l.bytes)), lengths: Int32Array.from(links, (l) => l.bytes.length), prevAts: new Int32Array(0), extras }
}

export function unpackSigned (packed: PackedLinks): SignedLink[] {
  let at = 0
  return Array.from(packed.lengths, (length, i) => {
    const bytes = packed.bytes.subarray(at, at + length)
    at += length
    return { bytes, sig: packed.extras.subarray(i * 96, i * 96 + 64), digest: packed.extras.subarray(i * 96 + 64, i * 96 + 96) }
  })
}

/** The buffers to hand over with postMessage. */
export function transferables (packed: PackedLinks): ArrayBuffer[] {
  return [packed.bytes.buffer, packed.lengths.buffer, packed.prevAts.buffer, packed.extras.buffer] as ArrayBuffer[]
}
