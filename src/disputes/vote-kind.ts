// An arbiter's vote on one dispute: the outcome its rules gave on the evidence it verified, and
// which rule decided. A quorum of votes for one outcome, from arbiters the commitment names, is a
// verdict (verdict-kind.ts).
import { z } from 'zod'
import { singleSignerKind } from '../records/kind.js'
import { identifier, link, orgId, signature, timestamp } from '../records/schema-types.js'

export const OUTCOMES = ['breach', 'dismissed'] as const
export type VerdictOutcome = typeof OUTCOMES[number]

export const voteSchema = z.strictObject({
  v: z.literal(1),
  dispute: link.describe('CID of the dispute record.'),
  commitment: link,
  obligation: identifier,
  outcome: z.enum(OUTCOMES),
  rule: identifier.describe('The rule of protocols/disputes.md that decided, e.g. "receipt", "deadline-missed".'),
  evidence: z.array(link).max(64).describe('CIDs of the verified records the rule rested on.'),
  arbiter: orgId.describe('The signer.'),
  at: timestamp,
  sig: signature
}).meta({ title: 'vote' })

export type Vote = z.infer<typeof voteSchema>

export const voteKind = singleSignerKind<Vote>({
  name: 'vote',
  description: 'One arbiter\'s signed vote on a dispute.',
  schema: voteSchema,
  maxBytes: 4096,
  signer: (v) => v.arbiter
})
