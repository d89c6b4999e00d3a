// The commitment: the public agreement, the private deal terms it names, and both parties' COMMIT
// signatures over the agreement. It exists once both COMMITs do and is stored in both parties'
// logs. Its public part (without the deal terms) is the attestation the network sees.
import { z } from 'zod'
import { RecordError } from '../errors.js'
import { encode } from '../records/codec.js'
import type { RecordKind } from '../records/kind.js'
import { identifier, link, orgId, signature, timestamp, uint } from '../records/schema-types.js'
import { domainSeparated } from '../records/record.js'
import { agreementFor, agreementId, dealId, type Agreement, type DealTerms } from './agreement.js'
import { termsSchema } from './terms.js'

/** The signing domain of COMMIT signatures: "asp/v1/commitment\0" ‖ DAG-CBOR(agreement). */
export const COMMITMENT_DOMAIN = 'commitment'

/** The bytes each party's COMMIT signature covers. */
export function commitSigningMessage (agreement: Agreement): Uint8Array {
  return domainSeparated(COMMITMENT_DOMAIN, agreementId(agreement).bytes)
}

export const agreementSchema = z.strictObject({
  v: z.literal(1),
  deal: link.describe('CID of the private deal terms.'),
  parties: z.strictObject({ initiator: orgId, responder: orgId }),
  obligations: z.array(z.strictObject({ id: identifier, obligor: orgId, beneficiary: orgId, dueBy: timestamp })).min(1).max(16),
  arbiters: z.array(orgId).max(15),
  quorum: uint,
  valueClass: uint.max(32),
  at: timestamp
}).meta({ title: 'agreement', description: 'What both COMMIT signatures cover; public.' })

export const dealTermsSchema = z.strictObject({
  v: z.literal(1),
  session: z.string().min(1).max(64),
  offer: link,
  terms: termsSchema
}).meta({ title: 'deal terms', description: 'The accepted offer in full; private to the parties and the arbiters of a dispute.' })

const sigs = z.strictObject({ initiator: signature, responder: signature })

export const commitmentSchema = z.strictObject({
  v: z.literal(1),
  agreement: agreementSchema,
  deal: dealTermsSchema,
  sigs
}).meta({ title: 'commitment' })

export type Commitment = z.infer<typeof commitmentSchema>

/** The two COMMIT signatures: the same for the commitment and its attestation. */
export function commitSignatures (c: { agreement: Agreement, sigs: { initiator: Uint8Array, responder: Uint8Array } }): Array<{ signer: string, sig: Uint8Array }> {
  return [
    { signer: c.agreement.parties.initiator, sig: c.sigs.initiator },
    { signer: c.agreement.parties.responder, sig: c.sigs.responder }
  ]
}

/** Checks the public agreement against rules that need nothing else: a RecordError otherwise. */
export function checkAgreement (a: Agreement): void {
  if (a.parties.initiator === a.parties.responder) throw new RecordError('RECORD_INVALID', 'a commitment binds two different orgs')
  if (a.quorum > a.arbiters.length || (a.arbiters.length > 0 && a.quorum < 1)) throw new RecordError('RECORD_INVALID', 'quorum is between 1 and the number of arbiters')
  if (new Set(a.arbiters).size !== a.arbiters.length) throw new RecordError('RECORD_INVALID', 'arbiters are distinct')
  if (new Set(a.obligations.map((o) => o.id)).size !== a.obligations.length) throw new RecordError('RECORD_INVALID', 'obligation ids are unique')
  const parties = [a.parties.initiator, a.parties.responder]
  for (const o of a.obligations) {
    if (!parties.includes(o.obligor) || !parties.includes(o.beneficiary) || o.obligor === o.beneficiary) throw new RecordError('RECORD_INVALID', `obligation ${o.id} must run from one party to the other`)
  }
}

export const commitmentKind: RecordKind<Commitment> = {
  name: 'commitment',
  description: 'A binding agreement between two orgs with its private terms, signed by both (their COMMIT signatures over the agreement).',
  schema: commitmentSchema,
  maxBytes: 32 * 1024,
  signatures: commitSignatures,
  unsigned: (c) => c.agreement,
  validate: (c) => {
    checkAgreement(c.agreement)
    if (!dealId(c.deal as DealTerms).equals(c.agreement.deal)) throw new RecordError('RECORD_INVALID', 'the agreement names other deal terms')
    const expected = agreementFor(c.deal as DealTerms, c.agreement.parties, c.agreement.at)
    if (!Buffer.from(encode(expected)).equals(encode(c.agreement))) throw new RecordError('RECORD_INVALID', 'the agreement does not follow from its deal terms')
  }
}

export function commitmentOf (agreement: Agreement, deal: DealTerms, sigs: { initiator: Uint8Array, responder: Uint8Array }): Commitment {
  return { v: 1, agreement, deal, sigs }
}
