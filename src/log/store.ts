// The log's LevelDB layout: one-byte bucket prefixes, never reused (protocols/log.md, "Storage").
import { Level } from 'level'

export const Bucket = {
  /** 0x01 ‖ seq (u64 BE) → entry bytes */
  entryBySeq: 0x01,
  /** 0x02 ‖ CID bytes → seq (u64 BE) */
  seqByCid: 0x02,
  /** 0x03 ‖ CID bytes → record bytes referenced by entries */
  block: 0x03,
  /** 0x04 ‖ utf8 name → value */
  meta: 0x04
} as const

export type Db = Level<Uint8Array, Uint8Array>

export function openDb (path: string): Db {
  return new Level<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' })
}

export function seqKey (seq: number): Uint8Array {
  const key = new Uint8Array(9)
  key[0] = Bucket.entryBySeq
  new DataView(key.buffer).setBigUint64(1, BigInt(seq))
  return key
}

export function seqFromKey (key: Uint8Array): number {
  return Number(new DataView(key.buffer, key.byteOffset, key.byteLength).getBigUint64(1))
}

export function encodeSeq (seq: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(seq))
  return out
}

export function decodeSeq (bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0))
}

export function prefixed (bucket: number, rest: Uint8Array): Uint8Array {
  const key = new Uint8Array(1 + rest.length)
  key[0] = bucket
  key.set(rest, 1)
  return key
}

export function metaKey (name: string): Uint8Array {
  return prefixed(Bucket.meta, Buffer.from(name, 'utf8'))
}

/** The key range of one bucket, for iterators. */
export function bucketRange (bucket: number): { gte: Uint8Array, lt: Uint8Array } {
  return { gte: Uint8Array.of(bucket), lt: Uint8Array.of(bucket + 1) }
}
