// The deterministic rules an arbiter applies to a dispute (protocols/disputes.md, "Rules"). Pure:
// the same verified records give the same outcome on every arbiter, so votes differ only when the
// arbiters hold different evidence, and anyone holding the records can check a vote.
import type { CID } from '../records/codec.js'
import type { SignedRecord } from '../records/record.js'
import type { Attestation } from '../commitments/attestation-kind.js'
import type { Receipt } from '../commitments/receipt-kind.js'
import type { Dispute } from './dispute-kind.js'
import type { VerdictOutcome } from './vote-kind.js'

export interface RuleInput {
  attestation: SignedRecord<Attestation>
  dispute: SignedRecord<Dispute>
  /** Verified receipts held or presented, for any obligation; the rules pick the ones that matter. */
  receipts: Array<SignedRecord<Receipt>>
}

export interface Ruling {
  outcome: VerdictOutcome
  /** The rule that decided, named as in protocols/disputes.md. */
  rule: 'claim-mismatch' | 'receipt' | 'waiver' | 'premature' | 'deadline-missed' | 'unrefuted'
  /** The records the rule rests on. */
  evidence: CID[]
}

export function rule ({ attestation, dispute, receipts }: RuleInput): Ruling {
  const d = dispute.value
  const { agreement } = attestation.value
  const base = [dispute.cid, attestation.cid]
  // 1. The claim must be the beneficiary's, about an obligation of this commitment.
  const obligation = agreement.obligations.find((o) => o.id === d.obligation)
  if (obligation === undefined || obligation.beneficiary !== d.claimant || obligation.obligor !== d.respondent) {
    return { outcome: 'dismissed', rule: 'claim-mismatch', evidence: base }
  }
  // 2. A receipt or waiver signed by the claimant for this obligation clears the obligor, whenever
  //    it was signed: the claimant's own signature contradicts the claim.
  const clearing = receipts
    .filter((r) => r.value.commitment.equals(d.commitment) && r.value.obligation === d.obligation && r.value.beneficiary === d.claimant && r.value.obligor === d.respondent)
    .sort((a, b) => a.value.at - b.value.at || a.cid.toString().localeCompare(b.cid.toString()))
  const first = clearing[0]
  if (first !== undefined) return { outcome: 'dismissed', rule: first.value.outcome === 'waived' ? 'waiver' : 'receipt', evidence: [...base, first.cid] }
  // 3. A missed deadline is a breach once the deadline has passed; claimed before, it is dismissed.
  if (d.claim === 'missed-deadline') {
    return d.openedAt > obligation.dueBy
      ? { outcome: 'breach', rule: 'deadline-missed', evidence: base }
      : { outcome: 'dismissed', rule: 'premature', evidence: base }
  }
  // 4. Any other claim (delivered, but not as agreed) stands unless the claimant's own receipt
  //    refutes it (rule 2); an arbiter's human may still refuse to sign the vote.
  return { outcome: 'breach', rule: 'unrefuted', evidence: base }
}
