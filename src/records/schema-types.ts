// Zod building blocks shared by every record schema. Each carries JSON Schema metadata that
// describes its DAG-JSON form, so the schemas written to protocols/schemas/ are exact.
import { z } from 'zod'
import { CID } from 'multiformats/cid'
import { isRecordCid } from './codec.js'
import { isOrgId, type OrgId } from './org-id.js'

const MAX_SAFE = Number.MAX_SAFE_INTEGER

export function bytes (length?: { exact?: number, max?: number }): z.ZodType<Uint8Array> {
  const check = (v: unknown): v is Uint8Array =>
    v instanceof Uint8Array &&
    (length?.exact === undefined || v.length === length.exact) &&
    (length?.max === undefined || v.length <= length.max)
  const size = length?.exact !== undefined ? `exactly ${length.exact}` : length?.max !== undefined ? `at most ${length.max}` : 'any number of'
  return z.custom<Uint8Array>(check, { message: `expected bytes (${size})` }).meta({
    description: `Bytes, ${size} of them. DAG-JSON form: {"/": {"bytes": "<base64, no padding>"}}.`,
    type: 'object',
    properties: { '/': { type: 'object', properties: { bytes: { type: 'string', contentEncoding: 'base64' } }, required: ['bytes'], additionalProperties: false } },
    required: ['/'],
    additionalProperties: false
  })
}

export const link = z.custom<CID>((v) => {
  const cid = CID.asCID(v)
  return cid !== null && isRecordCid(cid)
}, { message: 'expected a link to a record: CIDv1, dag-cbor, sha2-256' }).meta({
  description: 'A link to a record (CBOR tag 42): CIDv1, dag-cbor, sha2-256. DAG-JSON form: {"/": "<CID, base32>"}.',
  type: 'object',
  properties: { '/': { type: 'string' } },
  required: ['/'],
  additionalProperties: false
})

export const orgId = z.custom<OrgId>(isOrgId, { message: 'expected an Ed25519 peer id' }).meta({
  description: 'An organization: the base58btc libp2p PeerId of its Ed25519 key (protocols/records.md, "Organizations").',
  type: 'string',
  pattern: '^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$'
})

/** An integer count or sequence number that fits a JavaScript number exactly. */
export const uint = z.number().int().min(0).max(MAX_SAFE)
export const positiveInt = z.number().int().min(1).max(MAX_SAFE)

/** Milliseconds since the Unix epoch. */
export const timestamp = z.number().int().min(0).max(MAX_SAFE).meta({ description: 'Milliseconds since the Unix epoch (integer).' })

export const signature = bytes({ exact: 64 })

/** A lowercase identifier: kind names, capability segments. */
export const identifier = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/)
