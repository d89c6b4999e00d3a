// Nodes verify with node:crypto and browser auditors with the portable verifier: if the two ever
// disagreed on an input, a signed record would be valid for one and forged for the other. The
// vectors pin the rule's answers; the seeded fuzz looks for the inputs the vectors did not think of.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { Point } from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { signerFromSeed, verify, type Signer } from '../../src/records/ed25519.js'
import { verifyPortable } from '../../src/records/ed25519-portable.js'
import { hasSmallOrderY, passesPrechecks } from '../../src/records/ed25519-rule.js'

const L = 2n ** 252n + 27742317777372353535851937790883648493n
const P = 2n ** 255n - 19n
const B = Point.BASE
const I = Point.ZERO

interface Vector {
  name: string
  publicKey: string
  message: string
  signature: string
  valid: boolean
  reason: string
}

const VECTORS = JSON.parse(
  readFileSync(new URL('../../../protocols/vectors/ed25519.json', import.meta.url), 'utf8')
) as { rule: string, vectors: Vector[] }

const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'))
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts))
const mul = (p: Point, n: bigint): Point => n === 0n ? I : p.multiplyUnsafe(n)

function littleEndian (n: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) { out[i] = Number(n & 0xffn); n >>= 8n }
  return out
}

function fromLittleEndian (bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number)
  return n
}

const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array): bigint =>
  fromLittleEndian(sha512(concat(r, a, m))) % L

function bothSay (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const fast = verify(publicKey, message, signature)
  const portable = verifyPortable(publicKey, message, signature)
  assert.equal(portable, fast, `implementations disagree on key ${Buffer.from(publicKey).toString('hex')}, ` +
    `message ${Buffer.from(message).toString('hex')}, signature ${Buffer.from(signature).toString('hex')}`)
  return fast
}

/** An order-8 point found by search ([L]P keeps only P's torsion), so nothing here trusts a constant. */
function findOrder8 (): Point {
  for (let y = 3n; ; y++) {
    let p: Point
    try { p = Point.fromBytes(littleEndian(y)) } catch { continue }
    const torsion = mul(p, L - 1n).add(p)
    if (!mul(torsion, 4n).is0()) return torsion
  }
}

const T8 = findOrder8()
const TORSION = [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n].map((j) => mul(T8, j))

function withSignBit (bytes: Uint8Array, set: boolean): Uint8Array {
  const out = bytes.slice()
  out[31] = set ? (out[31] as number) | 0x80 : (out[31] as number) & 0x7f
  return out
}

/** Torsion points with either sign bit, plus non-canonical encodings (y = p, p + 1, all ones). */
const SMALL_ORDER_ENCODINGS = [
  ...TORSION.flatMap((t) => [withSignBit(t.toBytes(), false), withSignBit(t.toBytes(), true)]),
  ...[P, P + 1n].flatMap((y) => [withSignBit(littleEndian(y), false), withSignBit(littleEndian(y), true)]),
  new Uint8Array(32).fill(0xff)
]

describe('Ed25519: node:crypto and the portable verifier', () => {
  describe('protocols/vectors/ed25519.json', () => {
    it('is for the ASP rule and covers RFC 8032 and speccheck', () => {
      assert.equal(VECTORS.rule, 'asp-ed25519-strict-cofactorless')
      assert.equal(VECTORS.vectors.filter((v) => v.name.startsWith('rfc8032-')).length, 5)
      assert.equal(VECTORS.vectors.filter((v) => v.name.startsWith('speccheck-')).length, 12)
    })

    for (const v of VECTORS.vectors) {
      it(`${v.name}: ${v.valid ? 'accepts' : 'refuses'}`, () => {
        const publicKey = fromHex(v.publicKey)
        const message = fromHex(v.message)
        const signature = fromHex(v.signature)
        assert.equal(verify(publicKey, message, signature), v.valid, `node:crypto, ${v.reason}`)
        assert.equal(verifyPortable(publicKey, message, signature), v.valid, `portable, ${v.reason}`)
      })
    }
  })

  describe('seeded differential fuzz', () => {
    // Four keys whose secret scalars we also hold, to build signatures with torsion by hand.
    const keys = [0, 1, 2, 3].map((i) => {
      const seed = sha512(new TextEncoder().encode(`ed25519 differential key ${i}`)).subarray(0, 32)
      const h = sha512(seed).subarray(0, 32).slice()
      h[0] = (h[0] as number) & 248
      h[31] = ((h[31] as number) & 127) | 64
      return { signer: signerFromSeed(seed), scalar: fromLittleEndian(h) % L }
    })

    it('the held scalars are the signers\' keys', () => {
      for (const { signer, scalar } of keys) assert.deepEqual(mul(B, scalar).toBytes(), signer.publicKey)
    })

    type Input = { publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array }
    type Mutate = (input: Input, key: { signer: Signer, scalar: bigint }) => Input

    const flip = (bytes: Uint8Array, bit: number): Uint8Array => {
      const out = bytes.slice()
      const i = (bit >> 3) % out.length
      out[i] = (out[i] as number) ^ (1 << (bit & 7))
      return out
    }
    const setByte = (bytes: Uint8Array, index: number, value: number): Uint8Array => {
      const out = bytes.slice()
      out[index % out.length] = value
      return out
    }
    const edgyByte = fc.oneof(fc.constantFrom(0x00, 0x01, 0x0f, 0x10, 0x11, 0x7f, 0x80, 0xec, 0xed, 0xee, 0xff), fc.nat(255))
    const edgyIndex = fc.oneof(fc.constantFrom(0, 31, 32, 63), fc.nat(63))
    const smallOrder = fc.nat(SMALL_ORDER_ENCODINGS.length - 1).map((i) => SMALL_ORDER_ENCODINGS[i] as Uint8Array)

    const mutation: fc.Arbitrary<Mutate> = fc.oneof(
      { arbitrary: fc.constant<Mutate>((input) => input), weight: 2 },
      fc.nat(511).map<Mutate>((bit) => (input) => ({ ...input, signature: flip(input.signature, bit) })),
      fc.nat(255).map<Mutate>((bit) => (input) => ({ ...input, publicKey: flip(input.publicKey, bit) })),
      fc.nat(1023).map<Mutate>((bit) => (input) => ({
        ...input,
        message: input.message.length === 0 ? Uint8Array.of(bit & 0xff) : flip(input.message, bit)
      })),
      fc.tuple(edgyIndex, edgyByte).map<Mutate>(([index, value]) => (input) =>
        ({ ...input, signature: setByte(input.signature, index, value) })),
      fc.tuple(edgyIndex, edgyByte).map<Mutate>(([index, value]) => (input) =>
        ({ ...input, publicKey: setByte(input.publicKey, index, value) })),
      fc.integer({ min: 1, max: 15 }).map<Mutate>((m) => (input) => {
        const s = fromLittleEndian(input.signature.subarray(32)) + BigInt(m) * L
        return { ...input, signature: concat(input.signature.subarray(0, 32), littleEndian(s)) }
      }),
      smallOrder.map<Mutate>((r) => (input) => ({ ...input, signature: concat(r, input.signature.subarray(32)) })),
      smallOrder.map<Mutate>((publicKey) => (input) => ({ ...input, publicKey })),
      fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 64, maxLength: 64 }))
        .map<Mutate>(([publicKey, signature]) => (input) => ({ ...input, publicKey, signature })),
      fc.uint8Array({ minLength: 64, maxLength: 64 }).map<Mutate>((signature) => (input) => ({ ...input, signature })),
      fc.tuple(fc.constantFrom(31, 33), fc.constantFrom(63, 64, 65)).map<Mutate>(([keyLength, sigLength]) => (input) => ({
        ...input,
        publicKey: concat(input.publicKey, new Uint8Array(1)).subarray(0, keyLength),
        signature: concat(input.signature, new Uint8Array(1)).subarray(0, sigLength)
      })),
      // A = [a]B + [j]T, R = [r]B + [i]T, S = r + k*a: the equation holds exactly when i = -k*j mod 8,
      // so first look for an i that cancels the torsion (it exists about two times in three).
      fc.tuple(fc.nat(7), fc.nat(7), fc.bigInt(1n, L - 1n)).map<Mutate>(([j, fallback, r]) => (input, key) => {
        const publicKey = mul(B, key.scalar).add(TORSION[j] as Point).toBytes()
        const commitment = (i: number): Uint8Array => mul(B, r).add(TORSION[i] as Point).toBytes()
        const cancels = (i: number): boolean =>
          (BigInt(i) + challenge(commitment(i), publicKey, input.message) * BigInt(j)) % 8n === 0n
        const rBytes = commitment([0, 1, 2, 3, 4, 5, 6, 7].find(cancels) ?? fallback)
        const s = (r + challenge(rBytes, publicKey, input.message) * key.scalar) % L
        return { ...input, publicKey, signature: concat(rBytes, littleEndian(s)) }
      })
    )

    it('agree on 2500 mutated signatures, keys and messages', function () {
      this.timeout(120_000)
      let accepted = 0
      let acceptedWithTorsion = 0
      let refused = 0
      fc.assert(fc.property(fc.nat(keys.length - 1), fc.uint8Array({ maxLength: 96 }), mutation, (k, message, mutate) => {
        const key = keys[k] as { signer: Signer, scalar: bigint }
        const input = mutate({ publicKey: key.signer.publicKey, message, signature: key.signer.sign(message) }, key)
        if (!bothSay(input.publicKey, input.message, input.signature)) refused++
        else if (Point.fromBytes(input.publicKey).isTorsionFree()) accepted++
        else acceptedWithTorsion++
      }), { seed: 0x25519, numRuns: 2500 })
      // Both outcomes must be well represented, or the fuzz proves little.
      assert.ok(accepted >= 200, `only ${accepted} accepted`)
      assert.ok(acceptedWithTorsion >= 50, `only ${acceptedWithTorsion} accepted with a torsion component`)
      assert.ok(refused >= 1000, `only ${refused} refused`)
    })
  })

  describe('the rule\'s small-order list', () => {
    // Mirrors SMALL_ORDER_Y in ed25519-rule.ts (private there): 1, p-1, 0 and the two order-8 y.
    const ORDER_8_Y = 0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n
    const RULE_Y = [1n, P - 1n, 0n, ORDER_8_Y, P - ORDER_8_Y]

    it('names only y of small-order points, flagged under either sign bit', () => {
      for (const y of RULE_Y) {
        for (const sign of [false, true]) {
          const bytes = withSignBit(littleEndian(y), sign)
          // Lenient decoding: for y = 1 and y = p-1, x = 0 and the sign bit makes a "negative zero".
          const point = Point.fromBytes(bytes, true)
          assert.equal(point.y, y)
          assert.ok(point.isSmallOrder(), `y = ${y} decodes to a point of large order`)
          assert.ok(hasSmallOrderY(bytes), `y = ${y}, sign ${sign} not flagged`)
        }
      }
    })

    it('names exactly the y of the eight multiples of an order-8 point', () => {
      assert.equal(new Set(TORSION.map((t) => t.toHex())).size, 8)
      const torsionY = new Set(TORSION.map((t) => t.y))
      assert.deepEqual([...torsionY].sort(), [...new Set(RULE_Y)].sort())
    })

    it('does not flag the neighbours of the listed y', () => {
      for (const y of RULE_Y) {
        for (const near of [(y + 1n) % P, (y + P - 1n) % P]) {
          if (!RULE_Y.includes(near)) assert.equal(hasSmallOrderY(littleEndian(near)), false, `y = ${near}`)
        }
      }
    })

    it('refuses each torsion point as a public key even when the equation holds', () => {
      const r = 0x1234567890abcdefn
      const rBytes = mul(B, r).toBytes()
      const signature = concat(rBytes, littleEndian(r))
      for (const [j, t] of TORSION.entries()) {
        for (const publicKey of [t.toBytes(), withSignBit(t.toBytes(), true)]) {
          // S = r and [k]T = identity make [S]B - [k]A = R: only the small-order check stands in the way.
          let message = new Uint8Array(0)
          for (let n = 0; !mul(t, challenge(rBytes, publicKey, message)).is0(); n++) message = Uint8Array.of(n)
          assert.ok(hasSmallOrderY(publicKey), `${j}T not flagged`)
          assert.equal(passesPrechecks(publicKey, signature), false)
          assert.equal(bothSay(publicKey, message, signature), false, `${j}T accepted as a public key`)
        }
      }
    })
  })

  it('accepts signatures made by signerFromSeed under both implementations', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 256 }), (seed, message) => {
      const signer = signerFromSeed(seed)
      assert.equal(bothSay(signer.publicKey, message, signer.sign(message)), true)
    }), { seed: 0x8032, numRuns: 200 })
  })
})
