// The JSON form of the node's values on the API: CIDs as their base32 string, bytes as base64
// (standard alphabet, padded). Everything else is already JSON.
import { z } from 'zod'
import { CID } from 'multiformats/cid'
import { isRecordCid } from '../records/codec.js'

/** A value made JSON: CIDs to strings, bytes to base64, recursively. */
export function toJson (value: unknown): unknown {
  const cid = CID.asCID(value)
  if (cid !== null) return cid.toString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (Array.isArray(value)) return value.map(toJson)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v)
    return out
  }
  return value
}

const CID_PATTERN = /^b[a-z2-7]{58}$/

/** A record CID in a response: CIDv1, dag-cbor, sha2-256, base32. */
export const cidJson = z.string().regex(CID_PATTERN).describe('A record CID (CIDv1, dag-cbor, sha2-256) in base32, e.g. bafyrei...')

/** A record CID in a request: checked and turned into a CID. */
export const cidInput = cidJson.transform((s, ctx) => {
  try {
    const cid = CID.parse(s)
    if (isRecordCid(cid)) return cid
  } catch {
    // Not a CID at all: the same issue as a CID of the wrong kind.
  }
  ctx.addIssue({ code: 'custom', message: 'not a record CID (CIDv1, dag-cbor, sha2-256)' })
  return z.NEVER
})

export const base64Json = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).describe('Bytes, base64 (RFC 4648, padded).')
