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
}): RecordKind<T> {
  return {
    name: spec.name,
    description: spec.description,
    schema: spec.schema,
    maxBytes: spec.maxBytes,
    signatureField: 'sig',
    signatures: (record) => [{ signer: spec.signer(record), sig: record.sig }],
    unsigned: (record) => {
      const { sig: _sig, ...rest } = record
      return rest
    }
  }
}
