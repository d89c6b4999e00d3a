// The attestation: the public face of a commitment. It is the commitment without its deal terms:
// the agreement (parties, obligations with deadlines, arbiters and quorum, a value class, the CID
// of the private terms) and both COMMIT signatures, which cover exactly the agreement, so anyone
// can check that both parties bound themselves without learning the price or the terms.
import { z } from 'zod'
import type { RecordKind } from '../records/kind.js'
import { signature } from '../records/schema-types.js'
import { agreementId } from '../session/agreement.js'
import { agreementSchema, checkAgreement, COMMITMENT_DOMAIN, commitSignatures, type Commitment } from '../session/commitment-kind.js'
import { encodeRecord, type SignedRecord } from '../records/record.js'
import type { CID } from '../records/codec.js'

export const attestationSchema = z.strictObject({
  v: z.literal(1),
  agreement: agreementSchema,
  sigs: z.strictObject({ initiator: signature, responder: signature })
}).meta({ title: 'attestation' })

export type Attestation = z.infer<typeof attestationSchema>

export const attestationKind: RecordKind<Attestation> = {
  name: 'attestation',
  description: 'The public part of a commitment: the agreement without its terms, and both parties\' COMMIT signatures over it.',
  schema: attestationSchema,
  maxBytes: 8 * 1024,
  signingDomain: COMMITMENT_DOMAIN,
  signatures: commitSignatures,
  unsigned: (a) => a.agreement,
  validate: (a) => checkAgreement(a.agreement)
}

export function attestationOf (commitment: Commitment): SignedRecord<Attestation> {
  return encodeRecord(attestationKind, { v: 1, agreement: commitment.agreement, sigs: commitment.sigs })
}

/** A commitment's id: the CID of its agreement, the same for the commitment and its attestation. */
export function commitmentIdOf (record: { agreement: Attestation['agreement'] }): CID {
  return agreementId(record.agreement).cid
}
