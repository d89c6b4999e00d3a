// The portable Ed25519 verifier: pure JavaScript (@noble/ed25519 point arithmetic, @noble/hashes),
// for places without node:crypto such as a browser-based auditor. It computes the ASP rule
// directly: prechecks, then the cofactorless equation, which is what OpenSSL computes.
import { Point, etc } from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { passesPrechecks } from './ed25519-rule.js'

const L = 2n ** 252n + 27742317777372353535851937790883648493n

function scalarFromLittleEndian (bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number)
  return n
}

export function verifyPortable (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!passesPrechecks(publicKey, signature)) return false
  const r = signature.subarray(0, 32)
  const s = scalarFromLittleEndian(signature.subarray(32, 64))
  let a: Point
  try {
    a = Point.fromBytes(publicKey, false)
  } catch {
    return false
  }
  const k = scalarFromLittleEndian(sha512(etc.concatBytes(r, publicKey, message))) % L
  const rCheck = Point.BASE.multiplyUnsafe(s).subtract(a.multiplyUnsafe(k))
  const encoded = rCheck.toBytes()
  if (encoded.length !== r.length) return false
  let diff = 0
  for (let i = 0; i < r.length; i++) diff |= (encoded[i] as number) ^ (r[i] as number)
  return diff === 0
}
