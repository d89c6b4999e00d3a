// Records as JSON for the API: CIDs as their string form, bytes (signatures) as base64.
import { CID } from 'multiformats/cid'

export function jsonView (value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  const cid = CID.asCID(value)
  if (cid !== null) return cid.toString()
  if (Array.isArray(value)) return value.map(jsonView)
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonView(v)]))
  return value
}
