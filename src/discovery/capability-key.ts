// A capability maps to one DHT key per network: CIDv1(raw, sha2-256("asp/<network>/capability/<name>")).
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { sha256, SHA2_256_CODE } from '../records/codec.js'

const RAW_CODE = 0x55

export function capabilityKey (network: string, capability: string): CID {
  return CID.createV1(RAW_CODE, Digest.create(SHA2_256_CODE, sha256(Buffer.from(`asp/${network}/capability/${capability}`, 'utf8'))))
}
