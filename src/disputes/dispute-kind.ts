// A dispute: the beneficiary of an obligation claims the obligor did not meet it. Opened by the
// beneficiary's node by itself when a deadline passes with no receipt (claim "missed-deadline"), or
// by hand with another claim. Evidence is named by CID; the records themselves travel on request.
import { z } from 'zod'
import { RecordError } from '../errors.js'
import { singleSignerKind } from '../records/kind.js'
import { identifier, link, orgId, signature, timestamp } from '../records/schema-types.js'

export const CLAIMS = ['missed-deadline', 'not-as-agreed'] as const
export type Claim = typeof CLAIMS[number]

export const disputeSchema = z.strictObject({
  v: z.literal(1),
  commitment: link.describe('The commitment\'s id: the CID of its agreement.'),
  obligation: identifier,
  claimant: orgId.describe('The signer: the obligation\'s beneficiary.'),
  respondent: orgId.describe('The obligation\'s obligor.'),
  claim: z.enum(CLAIMS),
  statement: z.string().max(2048).optional(),
  evidence: z.array(link).max(64).describe('CIDs of the records the claim rests on: the agreement, the session\'s last message, …'),
  openedAt: timestamp,
  sig: signature
}).meta({ title: 'dispute' })

export type Dispute = z.infer<typeof disputeSchema>

export const disputeKind = singleSignerKind<Dispute>({
  name: 'dispute',
  description: 'A claim by the beneficiary of an obligation that the obligor did not meet it.',
  schema: disputeSchema,
  maxBytes: 8 * 1024,
  signer: (d) => d.claimant,
  validate: (d) => { if (d.claimant === d.respondent) throw new RecordError('RECORD_INVALID', 'a dispute is between two different orgs') }
})
