// Making and checking records. Outside bytes are checked cheapest first: size, decode, canonical
// form, schema, signatures. Every failure is a RecordError with a stable code.
import { RecordError } from '../errors.js'
import { cidOf, decodeCanonical, encode, MAX_NESTING, type CID } from './codec.js'
import { verify as verifyNode, type Signer } from './ed25519.js'
import { nestsDeeperThan, withoutField } from './cbor-splice.js'
import type { RecordKind } from './kind.js'
import { orgIdFromPublicKey, publicKeyOfOrg } from './org-id.js'

export type VerifyFn = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean

export interface SignedRecord<T> {
  readonly value: T
  readonly bytes: Uint8Array
  readonly cid: CID
}

const DOMAIN_PREFIX = 'asp/v1/'

/** The exact bytes a signature of this kind covers: "asp/v1/<kind>" 0x00 DAG-CBOR(unsigned value). */
export function signingMessage (kindName: string, unsigned: unknown): Uint8Array {
  return domainSeparated(kindName, encode(unsigned))
}

/** "asp/v1/<kind>" 0x00 followed by `body`, the canonical bytes of the unsigned value. */
export function domainSeparated (kindName: string, body: Uint8Array): Uint8Array {
  const domain = Buffer.from(DOMAIN_PREFIX + kindName + '\0', 'utf8')
  const out = new Uint8Array(domain.length + body.length)
  out.set(domain)
  out.set(body, domain.length)
  return out
}

/** Signs `unsigned` as one party and returns the finished record with its canonical bytes and CID. */
export function signRecord<T extends { sig: Uint8Array }> (
  kind: RecordKind<T>,
  unsigned: Omit<T, 'sig'>,
  signer: Signer
): SignedRecord<T> {
  const sig = signer.sign(signingMessage(kind.signingDomain ?? kind.name, unsigned))
  const value = { ...unsigned, sig } as T
  const record = encodeRecord(kind, value)
  const expected = kind.signatures(value)
  if (expected.length !== 1 || expected[0]?.signer !== orgIdFromPublicKey(signer.publicKey)) {
    throw new RecordError('RECORD_SIGNATURE_INVALID', `${kind.name} must be signed by the org it names`)
  }
  return record
}

/** Validates a value against its kind's schema and encodes it; does not check signatures. */
export function encodeRecord<T> (kind: RecordKind<T>, value: T): SignedRecord<T> {
  const parsed = kind.schema.safeParse(value)
  if (!parsed.success) {
    throw new RecordError('RECORD_SCHEMA_INVALID', `${kind.name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { issues: parsed.error.issues })
  }
  const bytes = encode(value)
  if (nestsDeeperThan(bytes, MAX_NESTING)) {
    throw new RecordError('RECORD_SCHEMA_INVALID', `${kind.name} nests more than ${MAX_NESTING} levels deep`)
  }
  if (bytes.length > kind.maxBytes) {
    throw new RecordError('RECORD_TOO_LARGE', `${kind.name} is ${bytes.length} bytes, limit ${kind.maxBytes}`)
  }
  return { value, bytes, cid: cidOf(bytes) }
}

export interface DecodeOptions {
  /** Skip signature checks (when they are done elsewhere, e.g. in worker threads). */
  skipSignatures?: boolean
  verify?: VerifyFn
}

/** Checks outside bytes as a record of `kind`, cheapest first, and returns it. */
export function decodeRecord<T> (kind: RecordKind<T>, bytes: Uint8Array, options: DecodeOptions = {}): SignedRecord<T> {
  if (bytes.length > kind.maxBytes) {
    throw new RecordError('RECORD_TOO_LARGE', `${kind.name} is ${bytes.length} bytes, limit ${kind.maxBytes}`)
  }
  const decoded = decodeCanonical(bytes)
  const parsed = kind.schema.safeParse(decoded)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new RecordError('RECORD_SCHEMA_INVALID', `${kind.name}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim(), { issues: parsed.error.issues })
  }
  // The decoded value, not zod's copy: it is what the canonical bytes encode.
  const value = decoded as T
  if (options.skipSignatures !== true) {
    verifyRecordSignatures(kind, value, options.verify, bytes)
    kind.validate?.(value)
  }
  return { value, bytes, cid: cidOf(bytes) }
}

/** `canonicalBytes`, when given, must be the record's checked canonical encoding: it saves an encode. */
export function verifyRecordSignatures<T> (kind: RecordKind<T>, value: T, verify: VerifyFn = verifyNode, canonicalBytes?: Uint8Array): void {
  const required = kind.signatures(value)
  if (required.length === 0) return
  const unsignedBytes = canonicalBytes !== undefined && kind.signatureField !== undefined ? withoutField(canonicalBytes, kind.signatureField) : undefined
  const domain = kind.signingDomain ?? kind.name
  const message = unsignedBytes !== undefined ? domainSeparated(domain, unsignedBytes) : signingMessage(domain, kind.unsigned(value))
  for (const { signer, sig } of required) {
    if (!verify(publicKeyOfOrg(signer), message, sig)) {
      throw new RecordError('RECORD_SIGNATURE_INVALID', `${kind.name}: signature of ${signer} does not verify`, { signer })
    }
  }
}
