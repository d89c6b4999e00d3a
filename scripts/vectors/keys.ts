// The fixed keys of the test vectors: seed = sha256(utf8 name), as protocols/vectors/keys.json says.
import { createHash } from 'node:crypto'
import { signerFromSeed, type Signer } from '../../src/records/ed25519.js'
import { orgIdFromPublicKey } from '../../src/records/org-id.js'

export interface VectorKey extends Signer {
  name: string
  seed: Uint8Array
  orgId: string
}

export function vectorKey (name: string): VectorKey {
  const seed = createHash('sha256').update(name).digest()
  const signer = signerFromSeed(seed)
  return { ...signer, name, seed, orgId: orgIdFromPublicKey(signer.publicKey) }
}

export const ALICE = 'asp-vectors/alice'
export const MALLORY = 'asp-vectors/mallory'
export const BOB = 'asp-vectors/bob'
/** The arbiters of the commitment in the consequence vectors (protocols/commitments.md, disputes.md). */
export const ARBITERS = ['asp-vectors/arbiter-1', 'asp-vectors/arbiter-2', 'asp-vectors/arbiter-3']
