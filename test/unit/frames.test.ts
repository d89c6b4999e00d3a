import assert from 'node:assert/strict'
import fc from 'fast-check'
import { frame, FrameError, FrameReader, varintLength } from '../../src/net/frames.js'
import { PeerRateLimit } from '../../src/net/rate-limit.js'

describe('length-prefixed frames read incrementally (network.md 5.2, 5.6)', () => {
  it('payloads come out whole and in order however the bytes are cut', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }),
      (payloads, cuts) => {
        const bytes = Buffer.concat(payloads.map((p) => frame(p)))
        const reader = new FrameReader(300)
        const out: Uint8Array[] = []
        let at = 0
        for (let i = 0; at < bytes.length; i++) {
          const size = cuts[i % cuts.length]!
          out.push(...reader.push(bytes.subarray(at, at + size)))
          at += size
        }
        assert.deepEqual(out.map((p) => Buffer.from(p)), payloads.map((p) => Buffer.from(p)))
        assert.equal(reader.partial, false)
      }))
  })

  it('writes the minimal varint', () => {
    assert.deepEqual([...frame(new Uint8Array(127)).subarray(0, 1)], [0x7f])
    assert.deepEqual([...frame(new Uint8Array(128)).subarray(0, 2)], [0x80, 0x01])
    assert.deepEqual([...frame(new Uint8Array(34816)).subarray(0, 3)], [0x80, 0x90, 0x02])
    assert.equal(varintLength(34816), 3)
  })

  it('refuses a frame over the limit as soon as its prefix is complete', () => {
    const reader = new FrameReader(1000)
    assert.throws(() => reader.push(frame(new Uint8Array(1001)).subarray(0, 2)), FrameError)
  })

  it('refuses a prefix longer than the limit needs, a non-minimal prefix, and an empty frame', () => {
    assert.throws(() => new FrameReader(1000).push(Uint8Array.of(0x80, 0x80, 0x01)), /longer than 2 bytes/)
    assert.throws(() => new FrameReader(1000).push(Uint8Array.of(0x85, 0x00)), /not the minimal varint/)
    assert.throws(() => new FrameReader(1000).push(Uint8Array.of(0x00)), /empty frame/)
  })

  it('holds an unfinished frame until the rest arrives', () => {
    const reader = new FrameReader(1000)
    const bytes = frame(Uint8Array.of(1, 2, 3))
    assert.deepEqual(reader.push(bytes.subarray(0, 2)), [])
    assert.equal(reader.partial, true)
    assert.deepEqual(reader.push(bytes.subarray(2)).map((p) => [...p]), [[1, 2, 3]])
  })
})

describe('per-peer token bucket', () => {
  it('spends the burst, refills at the rate, and keeps peers apart', () => {
    let now = 0
    const limit = new PeerRateLimit(2, 3, () => now)
    assert.deepEqual([1, 2, 3, 4].map(() => limit.take('a')), [true, true, true, false])
    assert.equal(limit.take('b'), true, 'another peer has its own bucket')
    now += 499
    assert.equal(limit.take('a'), false, 'not yet a whole token')
    now += 1
    assert.equal(limit.take('a'), true)
    assert.equal(limit.take('a'), false)
    now += 60_000
    assert.deepEqual([1, 2, 3, 4].map(() => limit.take('a')), [true, true, true, false], 'refills up to the burst, no more')
  })
})
