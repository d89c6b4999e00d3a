// Signatures a node has accepted, remembered. The node checks the same COMMIT signature several
// times (when a message is built, when it is recorded, in the attestation that carries it), and an
// Ed25519 verify costs about 150 µs where a SHA-256 of the message costs about 1 µs. Only successes
// are remembered, keyed by public key, signature and the message's SHA-256, so a hit means exactly
// that this key's signature over these bytes verified before.
import { sha256 } from './codec.js'
import { verify as verifyHere, verifyOffThread as verifyThere } from './ed25519.js'
import type { VerifyFn, VerifyOffThreadFn } from './record.js'

export class VerifiedSignatures {
  private readonly verified = new Set<string>()

  constructor (
    private readonly capacity = 4096,
    private readonly check: VerifyFn = verifyHere,
    private readonly checkOffThread: VerifyOffThreadFn = verifyThere
  ) {}

  /** Verifies on this thread, unless remembered. */
  readonly verify: VerifyFn = (publicKey, message, signature) => {
    const key = keyOf(publicKey, message, signature)
    if (key !== undefined && this.verified.has(key)) return true
    const ok = this.check(publicKey, message, signature)
    if (ok && key !== undefined) this.remember(key)
    return ok
  }

  /** Verifies on the thread pool, unless remembered. */
  readonly verifyOffThread: VerifyOffThreadFn = async (publicKey, message, signature) => {
    const key = keyOf(publicKey, message, signature)
    if (key !== undefined && this.verified.has(key)) return true
    const ok = await this.checkOffThread(publicKey, message, signature)
    if (ok && key !== undefined) this.remember(key)
    return ok
  }

  private remember (key: string): void {
    // Oldest first out: a Set iterates in insertion order.
    if (this.verified.size >= this.capacity) this.verified.delete(this.verified.values().next().value as string)
    this.verified.add(key)
  }
}

/** Fixed lengths keep the key unambiguous; other lengths never verify, and are not remembered. */
function keyOf (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): string | undefined {
  if (publicKey.length !== 32 || signature.length !== 64) return undefined
  return Buffer.concat([publicKey, signature, sha256(message)]).toString('latin1')
}
