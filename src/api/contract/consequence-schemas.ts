// Commitments, disputes and reputation as the API shows them: what the node holds and derives from
// the public records (attestations, receipts, disputes, votes, verdicts) and, on a party's node,
// the private deal terms. A commitment's id is the CID of its agreement (the session's
// `agreement.cid`); the CID of the dual-signed commitment record is its `record`.
import { z } from 'zod'
import { CLAIMS } from '../../disputes/dispute-kind.js'
import { OUTCOMES } from '../../disputes/vote-kind.js'
import { identifier, orgId, timestamp } from '../../records/schema-types.js'
import { termsSchema } from '../../session/terms.js'
import { cidJson } from '../json.js'

export const OBLIGATION_STATUSES = ['pending', 'overdue', 'honored', 'waived', 'disputed', 'breached'] as const
export const COMMITMENT_OUTCOMES = ['pending', 'honored', 'disputed', 'breached'] as const

export const commitmentIdParams = z.strictObject({ id: cidJson.describe('The commitment\'s id: the CID of its agreement (a session\'s agreement.cid).') })

export const obligationView = z.object({
  id: identifier,
  obligor: orgId,
  beneficiary: orgId,
  dueBy: timestamp,
  status: z.enum(OBLIGATION_STATUSES).describe('From the records held: a breach verdict, an open dispute, a receipt or waiver, else the deadline (pending or overdue).')
}).meta({ title: 'Obligation' })

export const commitmentSummary = z.object({
  id: cidJson,
  party: z.boolean().describe('Whether this org is a party (else it only holds the public attestation, e.g. as arbiter).'),
  session: z.string().nullable().describe('This org\'s session of the deal, on a party\'s node.'),
  record: cidJson.nullable().describe('CID of the dual-signed commitment record, on a party\'s node.'),
  attestation: cidJson.nullable().describe('CID of the public attestation, once this node holds it (a party signs and gossips it right after both COMMITs).'),
  outcome: z.enum(COMMITMENT_OUTCOMES),
  parties: z.object({ initiator: orgId, responder: orgId }),
  arbiters: z.array(orgId),
  quorum: z.number().int(),
  valueClass: z.number().int().describe('floor(log10(total in major units)): the only hint of the value the network sees.'),
  at: timestamp.describe('When the offer was accepted.'),
  obligations: z.array(obligationView)
})

export const dealView = z.object({
  v: z.literal(1),
  session: z.string(),
  offer: cidJson.describe('CID of the accepted PROPOSE or COUNTER.'),
  terms: termsSchema
})

export const commitmentDetail = commitmentSummary.extend({
  deal: dealView.nullable().describe('The private deal terms: only on a party\'s node.')
})

export const commitmentList = z.object({ commitments: z.array(commitmentSummary) })

export const commitmentListQuery = z.strictObject({
  outcome: z.enum(COMMITMENT_OUTCOMES).optional().describe('Only commitments with this outcome.'),
  party: z.enum(['true', 'false']).optional().describe('Operator: only those this org is (not) a party to.'),
  limit: z.coerce.number().int().min(1).max(1000).default(100)
})

export const confirmBody = z.strictObject({
  obligation: identifier.describe('The obligation owed to this org that was met.'),
  note: z.string().max(1024).optional()
})

export const waiveBody = z.strictObject({
  obligation: identifier.describe('The obligation owed to this org whose obligor is released.'),
  note: z.string().max(280).optional()
})

export const receiptView = z.object({
  cid: cidJson.describe('CID of the signed receipt (here a waiver), gossiped to the network.'),
  commitment: cidJson,
  obligation: identifier,
  obligor: orgId,
  beneficiary: orgId,
  outcome: z.enum(['met', 'waived']),
  at: timestamp,
  note: z.string().optional()
})

export const disputeIdParams = z.strictObject({ id: cidJson.describe('The dispute\'s id: the CID of its dispute record.') })

export const voteView = z.object({ cid: cidJson, arbiter: orgId, outcome: z.enum(OUTCOMES), rule: z.string(), at: timestamp })

export const verdictView = z.object({ cid: cidJson, outcome: z.enum(OUTCOMES), at: timestamp.describe('When the quorum of votes was reached.') })

export const disputeView = z.object({
  id: cidJson,
  commitment: cidJson,
  obligation: identifier,
  session: z.string().nullable().describe('This org\'s session of the commitment, on a party\'s node.'),
  claim: z.enum(CLAIMS),
  claimant: orgId,
  respondent: orgId,
  statement: z.string().optional(),
  evidence: z.array(cidJson),
  openedAt: timestamp,
  status: z.enum(['open', 'breach', 'dismissed', 'contradicted']).describe('open until a verdict; contradicted if arbiters signed both outcomes.'),
  votes: z.array(voteView),
  verdicts: z.array(verdictView)
}).meta({ title: 'Dispute' })

export const disputeList = z.object({ disputes: z.array(disputeView) })

export const disputeListQuery = z.strictObject({
  commitment: cidJson.optional().describe('Only the disputes of this commitment.'),
  status: z.enum(['open', 'breach', 'dismissed', 'contradicted']).optional()
})

export const openDisputeBody = z.strictObject({
  commitment: cidJson.describe('The commitment\'s id.'),
  obligation: identifier.describe('An obligation owed to this org.'),
  claim: z.enum(CLAIMS),
  statement: z.string().max(2048).optional(),
  evidence: z.array(cidJson).max(32).optional().describe('CIDs of records the claim rests on, beside the attestation, the commitment and the session\'s last message the node adds itself.')
})

const breakdown = z.object({
  R: z.number(),
  F: z.number(),
  B: z.number(),
  breachWeight: z.number(),
  lifetimeHonored: z.number(),
  mark: z.number(),
  a0: z.number(),
  b0: z.number(),
  evidenceScore: z.number(),
  idleFactor: z.number(),
  weighedAt: z.number(),
  lastTrustedActivity: z.number().nullable(),
  witnessTrust: z.number(),
  trustedWitnesses: z.number(),
  trustedHonored: z.number(),
  testimony: z.number(),
  trust: z.number(),
  rank: z.number()
}).describe('The terms of the score\'s formula (protocols/reputation.md).')

export const subjectScoreView = z.object({
  subject: orgId,
  score: z.number().min(0).max(100),
  standing: z.enum(['unvetted', 'vetted', 'flagged']),
  vetted: z.boolean(),
  flagged: z.boolean(),
  deals: z.number().int(),
  honored: z.number().int(),
  breached: z.number().int(),
  openDisputes: z.number().int(),
  rejectedClaims: z.number().int(),
  lastActivity: timestamp.nullable(),
  confidence: z.number().describe('Share of the score that rests on evidence rather than the prior, 0 to 1.'),
  breakdown
}).meta({ title: 'SubjectScore' })

export const reputationTable = z.object({
  observer: orgId.describe('This org: whose view it is.'),
  at: timestamp,
  subjects: z.array(subjectScoreView).describe('Every org with evidence, best score first.')
})
