// What the records layer needs to know about one kind of record. Every kind is signed (or proves
// itself) the same way; see protocols/records.md.
import type { z } from 'zod'
import type { OrgId } from './org-id.js'

export interface RequiredSignature {
  /** Whose key must have made the signature. */
  signer: OrgId
  sig: Uint8Array
}

export interface RecordKind<T> {
  /** The name used in the signing domain "asp/v1/<name>\0" and in protocols/. */
  readonly name: string
  readonly description: string
  readonly schema: z.ZodType<T>
  /** Encoded size limit, checked before anything is decoded. */
  readonly maxBytes: number
  /** The signatures a valid record carries and who must have made each one (may be empty). */
  signatures(record: T): RequiredSignature[]
  /** The value the signatures cover: the record without its signature fields. */
  unsigned(record: T): unknown
  /**
   * The kind name in the signing domain "asp/v1/<domain>\0", when it is not the kind's own name: a
   * record that carries signatures made for another kind (an attestation carries the commitment's).
   */
  readonly signingDomain?: string
  /** Set when the record carries one signature in this top-level field (the unsigned value is the rest). */
  readonly signatureField?: string
  /** Checks of meaning that need nothing but the record itself; throws a RecordError. */
  validate?(record: T): void
}

/** A kind signed by one party, whose key is named by `signerField` and whose signature is in `sig`. */
export function singleSignerKind<T extends { sig: Uint8Array }> (spec: {
  name: string
  description: string
  schema: z.ZodType<T>
  maxBytes: number
  signer: (record: T) => OrgId
  validate?: (record: T) => void
}): RecordKind<T> {
  return {
    name: spec.name,
    description: spec.description,
    schema: spec.schema,
    maxBytes: spec.maxBytes,
    signatureField: 'sig',
    ...(spec.validate !== undefined ? { validate: spec.validate } : {}),
    signatures: (record) => [{ signer: spec.signer(record), sig: record.sig }],
    unsigned: (record) => {
      const { sig: _sig, ...rest } = record
      return rest
    }
  }
}
