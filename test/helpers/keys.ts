import { createHash } from 'node:crypto'
import { signerFromSeed, type Signer } from '../../src/records/ed25519.js'
import { orgIdFromPublicKey } from '../../src/records/org-id.js'

/** A deterministic signer for tests: the seed is sha256 of the name. */
export function testSigner (name: string): Signer & { orgId: string } {
  const signer = signerFromSeed(createHash('sha256').update(name).digest())
  return Object.assign(signer, { orgId: orgIdFromPublicKey(signer.publicKey) })
}
