// Ed25519 on the hot paths, through node:crypto (OpenSSL): about 14x the verify rate of the portable
// implementation here. Both follow the same rule (ed25519-rule.ts); test/unit/ed25519-differential
// proves they accept and reject exactly the same inputs.
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto'
import { bytesKey } from './bytes.js'
import { passesPrechecks, PUBLIC_KEY_LENGTH } from './ed25519-rule.js'

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

const KEY_CACHE_LIMIT = 4096
const publicKeyCache = new Map<string, KeyObject>()

function publicKeyObject (publicKey: Uint8Array): KeyObject {
  const id = bytesKey(publicKey)
  let key = publicKeyCache.get(id)
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' })
    if (publicKeyCache.size >= KEY_CACHE_LIMIT) publicKeyCache.clear()
    publicKeyCache.set(id, key)
  }
  return key
}

/** Verifies `signature` by `publicKey` over `message` under the ASP rule. Never throws. */
export function verify (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!passesPrechecks(publicKey, signature)) return false
  try {
    return nodeVerify(null, message, publicKeyObject(publicKey), signature)
  } catch {
    // OpenSSL refuses some encodings (no point with that y) by throwing instead of returning false.
    return false
  }
}

/**
 * The same check on libuv's thread pool: the main thread pays about a tenth of a verify to hand it
 * over and to take the answer, and another core does the curve arithmetic. Never rejects.
 */
export function verifyOffThread (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (!passesPrechecks(publicKey, signature)) return Promise.resolve(false)
  return new Promise((resolve) => {
    try {
      nodeVerify(null, message, publicKeyObject(publicKey), signature, (err, ok) => { resolve(err === null && ok) })
    } catch {
      resolve(false)
    }
  })
}

/** Something that signs for one Ed25519 key. */
export interface Signer {
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Uint8Array
  /** The same signature, computed on libuv's thread pool. */
  signOffThread(message: Uint8Array): Promise<Uint8Array>
  /** The private key as a node:crypto key object, which worker threads can be given; absent for signers that hold none. */
  readonly privateKey?: KeyObject
}

/** A signer over an RFC 8032 32-byte seed, held as an OpenSSL key object. */
export function signerFromSeed (seed: Uint8Array): Signer {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes')
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' })
  const publicKey = new Uint8Array(spki.subarray(spki.length - PUBLIC_KEY_LENGTH))
  return {
    publicKey,
    privateKey,
    sign: (message) => new Uint8Array(nodeSign(null, message, privateKey)),
    signOffThread: async (message) => new Promise((resolve, reject) => {
      nodeSign(null, message, privateKey, (err, sig) => { if (err !== null) reject(err); else resolve(new Uint8Array(sig)) })
    })
  }
}
