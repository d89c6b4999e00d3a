// Making and checking records. Outside bytes are checked cheapest first: size, decode, canonical
// form, schema, signatures. Every failure is a RecordError with a stable code.
import { RecordError } from '../errors.js'
import { cidOf, decodeCanonical, encode, MAX_NESTING, type CID } from './codec.js'
import { verify as verifyNode, verifyOffThread, type Signer } from './ed25519.js'
import { nestsDeeperThan, withBytesField, withoutField } from './cbor-splice.js'
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
  const unsignedBytes = encode(unsigned)
  return signed(kind, unsigned, unsignedBytes, signer.sign(domainSeparated(kind.signingDomain ?? kind.name, unsignedBytes)), signer)
}

/** signRecord with the signature made on the thread pool. */
export async function signRecordOffThread<T extends { sig: Uint8Array }> (
  kind: RecordKind<T>,
  unsigned: Omit<T, 'sig'>,
  signer: Signer
): Promise<SignedRecord<T>> {
  const unsignedBytes = encode(unsigned)
  return signed(kind, unsigned, unsignedBytes, await signer.signOffThread(domainSeparated(kind.signingDomain ?? kind.name, unsignedBytes)), signer)
}

function signed<T extends { sig: Uint8Array }> (kind: RecordKind<T>, unsigned: Omit<T, 'sig'>, unsignedBytes: Uint8Array, sig: Uint8Array, signer: Signer): SignedRecord<T> {
  const value = { ...unsigned, sig } as T
  checkSchema(kind, value)
  const expected = kind.signatures(value)
  if (expected.length !== 1 || expected[0]?.signer !== orgIdFromPublicKey(signer.publicKey)) {
    throw new RecordError('RECORD_SIGNATURE_INVALID', `${kind.name} must be signed by the org it names`)
  }
  // The signed record's bytes are the unsigned bytes with `sig` put in its place: no second encode.
  return withinLimits(kind, value, withBytesField(unsignedBytes, 'sig', sig))
}

/** Validates a value against its kind's schema and encodes it; does not check signatures. */
export function encodeRecord<T> (kind: RecordKind<T>, value: T): SignedRecord<T> {
  checkSchema(kind, value)
  return withinLimits(kind, value, encode(value))
}

function checkSchema<T> (kind: RecordKind<T>, value: T): void {
  const parsed = kind.schema.safeParse(value)
  if (!parsed.success) {
    throw new RecordError('RECORD_SCHEMA_INVALID', `${kind.name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { issues: parsed.error.issues })
  }
}

function withinLimits<T> (kind: RecordKind<T>, value: T, bytes: Uint8Array): SignedRecord<T> {
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
  const message = signedMessageOf(kind, value, canonicalBytes)
  for (const { signer, sig } of required) {
    if (!verify(publicKeyOfOrg(signer), message, sig)) throw badSignature(kind, signer)
  }
}

export type VerifyOffThreadFn = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => Promise<boolean>

/**
 * decodeRecord with the signatures checked on the thread pool (all of a record's at once): for a
 * node under load, where the main thread has other messages to handle meanwhile.
 */
export async function decodeRecordOffThread<T> (kind: RecordKind<T>, bytes: Uint8Array, verify: VerifyOffThreadFn = verifyOffThread): Promise<SignedRecord<T>> {
  const record = decodeRecord(kind, bytes, { skipSignatures: true })
  const required = kind.signatures(record.value)
  if (required.length > 0) {
    const message = signedMessageOf(kind, record.value, bytes)
    const results = await Promise.all(required.map(async ({ signer, sig }) => verify(publicKeyOfOrg(signer), message, sig)))
    const bad = results.indexOf(false)
    if (bad >= 0) throw badSignature(kind, (required[bad] as { signer: string }).signer)
  }
  kind.validate?.(record.value)
  return record
}

/** The bytes every signature of the record covers. */
function signedMessageOf<T> (kind: RecordKind<T>, value: T, canonicalBytes?: Uint8Array): Uint8Array {
  const unsignedBytes = canonicalBytes !== undefined && kind.signatureField !== undefined ? withoutField(canonicalBytes, kind.signatureField) : undefined
  const domain = kind.signingDomain ?? kind.name
  return unsignedBytes !== undefined ? domainSeparated(domain, unsignedBytes) : signingMessage(domain, kind.unsigned(value))
}

function badSignature<T> (kind: RecordKind<T>, signer: string): RecordError {
  return new RecordError('RECORD_SIGNATURE_INVALID', `${kind.name}: signature of ${signer} does not verify`, { signer })
}
