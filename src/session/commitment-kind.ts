// The commitment: the agreement with both parties' signatures. It exists once both COMMITs do, is
// stored in both parties' logs, and is what later layers attest, enforce and dispute.
import { z } from 'zod'
import type { RecordKind } from '../records/kind.js'
import { identifier, link, orgId, signature, timestamp, uint } from '../records/schema-types.js'
import type { Agreement } from './agreement.js'
import { termsSchema } from './terms.js'

export const agreementSchema = z.strictObject({
  v: z.literal(1),
  session: z.string(),
  offer: link,
  parties: z.strictObject({ initiator: orgId, responder: orgId }),
  terms: termsSchema,
  obligations: z.array(z.strictObject({ id: identifier, obligor: orgId, beneficiary: orgId, what: z.string(), dueBy: timestamp })).min(1),
  arbiters: z.array(orgId),
  quorum: uint
})

export const commitmentSchema = z.strictObject({
  v: z.literal(1),
  agreement: agreementSchema,
  sigs: z.strictObject({ initiator: signature, responder: signature })
}).meta({ title: 'commitment' })

export type Commitment = z.infer<typeof commitmentSchema>

export const commitmentKind: RecordKind<Commitment> = {
  name: 'commitment',
  description: 'A binding agreement between two orgs, signed by both (their COMMIT signatures).',
  schema: commitmentSchema,
  maxBytes: 32 * 1024,
  signatures: (c) => [
    { signer: c.agreement.parties.initiator, sig: c.sigs.initiator },
    { signer: c.agreement.parties.responder, sig: c.sigs.responder }
  ],
  unsigned: (c) => c.agreement
}

export function commitmentOf (agreement: Agreement, sigs: { initiator: Uint8Array, responder: Uint8Array }): Commitment {
  return { v: 1, agreement, sigs }
}
