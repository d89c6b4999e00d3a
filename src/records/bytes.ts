// Small helpers on byte arrays, shared by the records layer, the log and the auditor.

/** A cheap map key for bytes (a CID's, a public key): the bytes as a latin1 string, no base encoding. */
export function bytesKey (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}

/**
 * Byte arrays joined without Buffer: the result is a plain Uint8Array with an ArrayBuffer of its own
 * (not a view into Node's shared Buffer pool), which a worker thread can take over.
 */
export function concatBytes (parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}
