// A verify that remembers the signatures it has accepted. The session layer checks the same COMMIT
// signature up to four times per node (when a message is built and when it is recorded, on each
// side), and an Ed25519 verify costs about 150 µs where a SHA-256 of the message costs about 1 µs.
// Only successes are remembered, keyed by public key, signature and the message's SHA-256, so a hit
// means exactly that this key's signature over these bytes verified before.
import { sha256 } from './codec.js'
import type { VerifyFn } from './record.js'

export function rememberingVerify (verify: VerifyFn, capacity = 4096): VerifyFn {
  const verified = new Set<string>()
  return (publicKey, message, signature) => {
    // Fixed lengths keep the key unambiguous; other lengths never verify, and are not remembered.
    if (publicKey.length !== 32 || signature.length !== 64) return verify(publicKey, message, signature)
    const key = Buffer.concat([publicKey, signature, sha256(message)]).toString('latin1')
    if (verified.has(key)) return true
    if (!verify(publicKey, message, signature)) return false
    // Oldest first out: a Set iterates in insertion order.
    if (verified.size >= capacity) verified.delete(verified.values().next().value as string)
    verified.add(key)
    return true
  }
}
