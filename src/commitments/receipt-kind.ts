// A receipt: the beneficiary of one obligation signs that it was met (outcome "met", from its
// CONFIRM) or that it releases the obligor from it ("waived"). Either clears the obligor. Whether
// the signer really is the beneficiary is checked against the commitment's attestation
// (commitments/judge.ts), which the receipt itself does not carry.
import { z } from 'zod'
import { RecordError } from '../errors.js'
import { singleSignerKind } from '../records/kind.js'
import { identifier, link, orgId, signature, timestamp } from '../records/schema-types.js'

export const receiptSchema = z.strictObject({
  v: z.literal(1),
  commitment: link.describe('The commitment\'s id: the CID of its agreement.'),
  obligation: identifier,
  obligor: orgId,
  beneficiary: orgId.describe('The signer.'),
  outcome: z.enum(['met', 'waived']),
  at: timestamp,
  note: z.string().max(280).optional(),
  sig: signature
}).meta({ title: 'receipt' })

export type Receipt = z.infer<typeof receiptSchema>

export const receiptKind = singleSignerKind<Receipt>({
  name: 'receipt',
  description: 'The beneficiary\'s signed statement that an obligation was met or is waived.',
  schema: receiptSchema,
  maxBytes: 2048,
  signer: (r) => r.beneficiary,
  validate: (r) => { if (r.obligor === r.beneficiary) throw new RecordError('RECORD_INVALID', 'an org owes nothing to itself') }
})
