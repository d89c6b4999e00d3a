// Verified records as reputation evidence (protocols/reputation.md, "Evidence from records"). Pure:
// an auditor holding the same records derives the same evidence, hence the same scores.
import type { SignedRecord } from '../records/record.js'
import { decodeRecord } from '../records/record.js'
import { entryKind, headKind, type ForkProof } from '../records/kinds/index.js'
import type { Claim } from '../records/kinds/fork-proof.js'
import { commitmentIdOf, type Attestation } from '../commitments/attestation-kind.js'
import type { Receipt } from '../commitments/receipt-kind.js'
import type { Dispute } from '../disputes/dispute-kind.js'
import { readVerdict, type Verdict } from '../disputes/verdict-kind.js'
import type { Evidence } from './evidence.js'

/** The evidence one record gives, if any. Records must have been verified before. */
export function evidenceOf (kind: string, record: SignedRecord<unknown>): Evidence | undefined {
  const id = record.cid.toString()
  switch (kind) {
    case 'attestation': {
      const { agreement } = (record.value as Attestation)
      return {
        kind: 'deal',
        id,
        commitment: commitmentIdOf(record.value as Attestation).toString(),
        obligations: agreement.obligations.map((o) => ({ obligor: o.obligor, beneficiary: o.beneficiary })),
        valueClass: agreement.valueClass,
        at: agreement.at
      }
    }
    case 'receipt': {
      const r = record.value as Receipt
      return { kind: 'honored', id, commitment: r.commitment.toString(), obligor: r.obligor, beneficiary: r.beneficiary, at: r.at }
    }
    case 'dispute': {
      const d = record.value as Dispute
      return { kind: 'openDispute', id, commitment: d.commitment.toString(), claimant: d.claimant, respondent: d.respondent, at: d.openedAt }
    }
    case 'verdict': {
      // Different quorums of the same dispute's votes make different verdict records: the evidence
      // is named and dated by the dispute and the outcome only, so every variant counts as one,
      // and nodes holding different variants compute the same scores.
      const v = readVerdict(record.value as Verdict)
      const d = v.dispute.value
      const commitment = v.commitment.toString()
      const ruling = `${v.dispute.cid.toString()}:${v.outcome}`
      return v.outcome === 'breach'
        ? { kind: 'breach', id: ruling, commitment, obligor: d.respondent, arbiters: v.votes.map((vote) => vote.value.arbiter), at: d.openedAt }
        : { kind: 'dismissed', id: ruling, commitment, claimant: d.claimant, respondent: d.respondent, at: d.openedAt }
    }
    case 'fork-proof': {
      const proof = record.value as ForkProof
      return { kind: 'fork', id, org: proof.author, seq: proof.seq, at: Math.max(claimTs(proof.a), claimTs(proof.b)) }
    }
    default:
      return undefined
  }
}

/** When a fork claim was signed: the entry's or the head's own timestamp. */
function claimTs (claim: Claim): number {
  return claim.kind === 'entry'
    ? decodeRecord(entryKind, claim.record, { skipSignatures: true }).value.ts
    : decodeRecord(headKind, claim.record, { skipSignatures: true }).value.ts
}
