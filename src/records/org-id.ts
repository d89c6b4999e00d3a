// An organization is identified by its libp2p PeerId string, which for Ed25519 embeds the public key:
// base58btc( 0x00 0x24 | 0x08 0x01 0x12 0x20 | key32 ): an identity multihash of the protobuf
// PublicKey { Type: Ed25519, Data: key }. Decoding needs no libp2p, only base58btc.
import { base58btc } from 'multiformats/bases/base58'
import { RecordError } from '../errors.js'
import { bytesKey } from './bytes.js'
import { PUBLIC_KEY_LENGTH } from './ed25519-rule.js'

export type OrgId = string

const PREFIX = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20])
const cache = new Map<string, Uint8Array>()
const CACHE_LIMIT = 4096

/** Org ids by public key: base58 costs more than a hash, and every record a node signs names its org. */
const idCache = new Map<string, OrgId>()

export function orgIdFromPublicKey (publicKey: Uint8Array): OrgId {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) throw new RecordError('ORG_ID_INVALID', 'an Ed25519 public key is 32 bytes')
  const key = bytesKey(publicKey)
  let id = idCache.get(key)
  if (id === undefined) {
    const bytes = new Uint8Array(PREFIX.length + PUBLIC_KEY_LENGTH)
    bytes.set(PREFIX)
    bytes.set(publicKey, PREFIX.length)
    id = base58btc.baseEncode(bytes)
    if (idCache.size >= CACHE_LIMIT) idCache.clear()
    idCache.set(key, id)
  }
  return id
}

/** The Ed25519 public key inside an org id; RecordError ORG_ID_INVALID for anything else. */
export function publicKeyOfOrg (orgId: string): Uint8Array {
  const cached = cache.get(orgId)
  if (cached !== undefined) return cached
  let bytes: Uint8Array
  try {
    bytes = base58btc.baseDecode(orgId)
  } catch {
    throw new RecordError('ORG_ID_INVALID', 'org id is not base58btc', { orgId })
  }
  if (bytes.length !== PREFIX.length + PUBLIC_KEY_LENGTH || PREFIX.some((b, i) => bytes[i] !== b)) {
    throw new RecordError('ORG_ID_INVALID', 'org id is not an Ed25519 peer id', { orgId })
  }
  const key = bytes.slice(PREFIX.length)
  // base58 has one spelling per byte string; insisting on it keeps org ids comparable as strings.
  if (orgIdFromPublicKey(key) !== orgId) throw new RecordError('ORG_ID_INVALID', 'org id is not canonical', { orgId })
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(orgId, key)
  return key
}

export function isOrgId (value: unknown): value is OrgId {
  if (typeof value !== 'string') return false
  try {
    publicKeyOfOrg(value)
    return true
  } catch {
    return false
  }
}
