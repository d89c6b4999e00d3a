// The baseline: bare node:crypto Ed25519 verifies (no ASP checks at all) for `ms` milliseconds.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { parentPort, workerData } from 'node:worker_threads'

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

export function rawVerifyRate (ms: number): number {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.alloc(32, 7)]), format: 'der', type: 'pkcs8' })
  const publicKey = createPublicKey(privateKey)
  const message = Buffer.alloc(200, 1)
  const signature = sign(null, message, privateKey)
  for (let i = 0; i < 200; i++) verify(null, message, publicKey, signature)
  const start = performance.now()
  let n = 0
  while (performance.now() - start < ms) {
    for (let i = 0; i < 50; i++) verify(null, message, publicKey, signature)
    n += 50
  }
  return n / ((performance.now() - start) / 1000)
}

if (parentPort !== null) parentPort.postMessage(rawVerifyRate((workerData as { ms: number }).ms))
