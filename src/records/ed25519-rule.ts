// The ASP Ed25519 verification rule, shared by every implementation (protocols/records.md, "Signatures").
// RFC 8032 leaves room for implementations to disagree on edge cases (non-canonical encodings,
// small-order points, cofactored or not). ASP pins one answer: the byte checks below, then the
// cofactorless equation encode([S]B - [k]A) == R. node:crypto (OpenSSL) computes exactly that
// equation; the portable implementation computes it with @noble/ed25519's point arithmetic.

export const PUBLIC_KEY_LENGTH = 32
export const SIGNATURE_LENGTH = 64

/** Group order L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const L_BYTES = littleEndian(2n ** 252n + 27742317777372353535851937790883648493n)

/**
 * The y-coordinates (sign bit cleared) of the eight points of small order: 1 (identity), p-1
 * (order 2), 0 (order 4, both x), and the two y of the points of order 8. A key or R whose
 * encoding carries one of these is refused, whatever its sign bit.
 */
const P = 2n ** 255n - 19n
const ORDER_8_Y = 0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n
const SMALL_ORDER_Y = [1n, P - 1n, 0n, ORDER_8_Y, P - ORDER_8_Y].map(littleEndian)

function littleEndian (n: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) { out[i] = Number(n & 0xffn); n >>= 8n }
  return out
}

/** S as a little-endian integer must be below L. */
export function isCanonicalScalar (s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const a = s[i] as number
    const b = L_BYTES[i] as number
    if (a < b) return true
    if (a > b) return false
  }
  return false
}

/** y (the low 255 bits) must be below p = 2^255 - 19. */
export function isCanonicalPointEncoding (p: Uint8Array): boolean {
  if (((p[31] as number) & 0x7f) !== 0x7f) return true
  for (let i = 30; i >= 1; i--) if (p[i] !== 0xff) return true
  return (p[0] as number) < 0xed
}

export function hasSmallOrderY (p: Uint8Array): boolean {
  outer: for (const y of SMALL_ORDER_Y) {
    for (let i = 0; i < 31; i++) if (p[i] !== y[i]) continue outer
    if (((p[31] as number) & 0x7f) === y[31]) return true
  }
  return false
}

/**
 * The byte-level checks every ASP verifier applies before the curve equation. They are cheap,
 * and they make the accept/reject set identical across implementations.
 */
export function passesPrechecks (publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false
  const r = signature.subarray(0, 32)
  const s = signature.subarray(32, 64)
  return isCanonicalScalar(s) &&
    isCanonicalPointEncoding(publicKey) && !hasSmallOrderY(publicKey) &&
    isCanonicalPointEncoding(r) && !hasSmallOrderY(r)
}
