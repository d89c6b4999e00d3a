// Canonical bytes for every record: DAG-CBOR, one value one encoding; ids are CIDv1(dag-cbor, sha2-256).
import * as crypto from 'node:crypto'
import { createHash } from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { RecordError } from '../errors.js'
import { nestsDeeperThan } from './cbor-splice.js'

/** Lists, maps and tags nested deeper than this are refused before decoding (protocols/records.md). */
export const MAX_NESTING = 64

export const DAG_CBOR_CODE = 0x71
export const SHA2_256_CODE = 0x12

export function encode (value: unknown): Uint8Array {
  return dagCbor.encode(value)
}

/**
 * Decodes outside bytes and insists that they are the canonical encoding of what they decode to,
 * so that one value has exactly one byte form (and so one CID, and one signed message).
 */
export function decodeCanonical (bytes: Uint8Array): unknown {
  if (nestsDeeperThan(bytes, MAX_NESTING)) {
    throw new RecordError('RECORD_DECODE_FAILED', `nested more than ${MAX_NESTING} levels deep`)
  }
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch (err) {
    throw new RecordError('RECORD_DECODE_FAILED', `not DAG-CBOR: ${(err as Error).message}`, {}, { cause: err })
  }
  let again: Uint8Array
  try {
    again = dagCbor.encode(value)
  } catch (err) {
    throw new RecordError('RECORD_NOT_CANONICAL', `value cannot be re-encoded: ${(err as Error).message}`, {}, { cause: err })
  }
  if (!bytesEqual(again, bytes)) {
    throw new RecordError('RECORD_NOT_CANONICAL', 'bytes are not the canonical DAG-CBOR encoding of their value')
  }
  return value
}

// crypto.hash (Node >= 20.12) skips the Hash object: measurably cheaper for the small records here.
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer }).hash

export function sha256 (bytes: Uint8Array): Uint8Array {
  return oneShot !== undefined ? oneShot('sha256', bytes, 'buffer') : createHash('sha256').update(bytes).digest()
}

export function cidOf (bytes: Uint8Array): CID {
  return CID.createV1(DAG_CBOR_CODE, Digest.create(SHA2_256_CODE, sha256(bytes)))
}

/** True when `cid` has the one form ASP uses: CIDv1, DAG-CBOR, sha2-256 (32 bytes). */
export function isRecordCid (cid: CID): boolean {
  return cid.version === 1 && cid.code === DAG_CBOR_CODE && cid.multihash.code === SHA2_256_CODE && cid.multihash.digest.length === 32
}

/** True when `cid` is a record CID whose digest is the hash of `bytes`. */
export function cidMatches (cid: CID, bytes: Uint8Array): boolean {
  return isRecordCid(cid) && bytesEqual(cid.multihash.digest, sha256(bytes))
}

export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  return Buffer.compare(a, b) === 0
}

/** Every CID link inside an IPLD value, in DAG-CBOR map order (keys sorted), depth first. */
export function linksOf (value: unknown, out: CID[] = []): CID[] {
  const cid = CID.asCID(value)
  if (cid !== null) {
    out.push(cid)
  } else if (Array.isArray(value)) {
    for (const item of value) linksOf(item, out)
  } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const obj = value as Record<string, unknown>
    for (const key of Object.keys(obj).sort(dagCborKeyOrder)) linksOf(obj[key], out)
  }
  return out
}

/** DAG-CBOR's map key order: shorter keys first, then bytewise. */
export function dagCborKeyOrder (a: string, b: string): number {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length - bb.length || Buffer.compare(ab, bb)
}

export { CID }

/** A record CID from its string form (base32 CIDv1); RECORD_DECODE_FAILED for anything else. */
export function parseCid (text: string): CID {
  let cid: CID
  try {
    cid = CID.parse(text)
  } catch (err) {
    throw new RecordError('RECORD_DECODE_FAILED', `not a CID: ${text.slice(0, 80)}`, {}, { cause: err })
  }
  if (!isRecordCid(cid)) throw new RecordError('RECORD_DECODE_FAILED', `not a dag-cbor sha2-256 CIDv1: ${text.slice(0, 80)}`)
  return cid
}
