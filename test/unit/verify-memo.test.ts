import assert from 'node:assert/strict'
import { verify, verifyOffThread } from '../../src/records/ed25519.js'
import { VerifiedSignatures } from '../../src/records/verify-memo.js'
import { testSigner } from '../helpers/keys.js'

const alice = testSigner('alice')
const message = new TextEncoder().encode('the agreement')
const sig = alice.sign(message)

/** A memo over the real checks that counts how often they run. */
function counted (): { memo: VerifiedSignatures, runs: () => number } {
  let runs = 0
  const memo = new VerifiedSignatures(2,
    (k, m, s) => { runs++; return verify(k, m, s) },
    async (k, m, s) => { runs++; return verifyOffThread(k, m, s) })
  return { memo, runs: () => runs }
}

describe('remembered signatures', () => {
  it('a signature that verified once is not checked again, on either thread', async () => {
    const { memo, runs } = counted()
    assert.equal(memo.verify(alice.publicKey, message, sig), true)
    assert.equal(memo.verify(alice.publicKey, message, sig), true)
    assert.equal(await memo.verifyOffThread(alice.publicKey, message, sig), true)
    assert.equal(runs(), 1)
  })

  it('a failure is never remembered, and a hit needs the same key, message and signature', async () => {
    const { memo, runs } = counted()
    const forged = Uint8Array.from(sig, (b, i) => (i === 0 ? b ^ 1 : b))
    assert.equal(memo.verify(alice.publicKey, message, forged), false)
    assert.equal(await memo.verifyOffThread(alice.publicKey, message, forged), false)
    assert.equal(memo.verify(alice.publicKey, message, sig), true)
    assert.equal(memo.verify(alice.publicKey, new TextEncoder().encode('other terms'), sig), false)
    assert.equal(memo.verify(testSigner('bob').publicKey, message, sig), false)
    assert.equal(runs(), 5)
  })

  it('holds at most its capacity, the oldest going first', () => {
    const { memo, runs } = counted()
    const signed = ['a', 'b', 'c'].map((text) => { const m = new TextEncoder().encode(text); return { m, s: alice.sign(m) } })
    for (const { m, s } of signed) assert.equal(memo.verify(alice.publicKey, m, s), true)
    assert.equal(runs(), 3)
    memo.verify(alice.publicKey, signed[2]!.m, signed[2]!.s) // still held
    assert.equal(runs(), 3)
    memo.verify(alice.publicKey, signed[0]!.m, signed[0]!.s) // pushed out by c
    assert.equal(runs(), 4)
  })

  it('the off-thread check agrees with this thread\'s', async () => {
    assert.equal(await verifyOffThread(alice.publicKey, message, sig), true)
    assert.equal(await verifyOffThread(alice.publicKey, message, new Uint8Array(64)), false)
    assert.equal(await verifyOffThread(new Uint8Array(32), message, sig), false)
    assert.deepEqual(await alice.signOffThread(message), sig)
  })
})
