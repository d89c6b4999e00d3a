// protocols/vectors/disputes.json: cases of the deterministic rules of protocols/disputes.md, each
// the inputs an arbiter holds (the attestation, the dispute, the verified receipts) and what
// src/disputes/rules.ts rules on them. Each case also states the outcome and rule it is meant to
// show; the generator refuses to write a case the rules decide otherwise.
import * as dagJson from '@ipld/dag-json'
import type { Receipt } from '../../src/commitments/receipt-kind.js'
import type { Dispute } from '../../src/disputes/dispute-kind.js'
import { rule, type Ruling } from '../../src/disputes/rules.js'
import type { SignedRecord } from '../../src/records/record.js'
import { alice, bob, DAY, dispute, negotiate, receipt, sessionId, story, T0, type Deal } from './consequences.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const json = (value: unknown): unknown => JSON.parse(Buffer.from(dagJson.encode(value)).toString('utf8'))

interface Case {
  name: string
  note: string
  dispute: SignedRecord<Dispute>
  receipts: Array<SignedRecord<Receipt>>
  intended: Pick<Ruling, 'outcome' | 'rule'>
}

function cases (deal: Deal): Case[] {
  const due = T0 + 7 * DAY
  const missed = dispute(deal)
  const byAlice = (fields: Partial<Receipt>): SignedRecord<Receipt> => receipt(deal, { obligation: 'deliver', obligor: bob.orgId, beneficiary: alice.orgId, at: due - 3_600_000, ...fields })
  const met = byAlice({})
  const waived = byAlice({ outcome: 'waived', note: 'delivery no longer needed' })
  const other = negotiate(undefined, sessionId('asp-vectors/session-2'))
  const [first, second] = [byAlice({ at: due - 60_000 }), byAlice({ outcome: 'waived', at: due - 60_000 })].sort((a, b) => (a.cid.toString() < b.cid.toString() ? -1 : 1))
  const notAsAgreed = dispute(deal, { claim: 'not-as-agreed', statement: '500 GPU hours made available, but 200 of them on slower GPUs than agreed', openedAt: due - DAY })
  return [
    { name: 'deadline-missed', note: 'missed-deadline claimed after the deadline, no receipt: breach', dispute: missed, receipts: [], intended: { outcome: 'breach', rule: 'deadline-missed' } },
    {
      name: 'receipts-that-do-not-clear',
      note: 'receipts for other obligations, for the same obligation of another commitment, and one signed by the obligor as if it were the beneficiary: none clears, breach',
      dispute: missed,
      receipts: [
        receipt(deal),
        receipt(deal, { obligation: 'support', obligor: bob.orgId, beneficiary: alice.orgId, outcome: 'waived', at: T0 + 20 * DAY }),
        byAlice({ commitment: other.id }),
        receipt(deal, { obligation: 'deliver', obligor: alice.orgId, beneficiary: bob.orgId })
      ],
      intended: { outcome: 'breach', rule: 'deadline-missed' }
    },
    { name: 'premature', note: 'missed-deadline claimed at the deadline itself (openedAt = dueBy): dismissed', dispute: dispute(deal, { openedAt: due }), receipts: [], intended: { outcome: 'dismissed', rule: 'premature' } },
    { name: 'receipt', note: 'the claimant\'s own receipt for the obligation: dismissed', dispute: missed, receipts: [met], intended: { outcome: 'dismissed', rule: 'receipt' } },
    { name: 'receipt-signed-after-the-dispute', note: 'a receipt counts whenever it was signed, even after the dispute opened', dispute: missed, receipts: [byAlice({ at: missed.value.openedAt + DAY })], intended: { outcome: 'dismissed', rule: 'receipt' } },
    { name: 'waiver', note: 'the claimant\'s waiver of the obligation: dismissed', dispute: missed, receipts: [waived], intended: { outcome: 'dismissed', rule: 'waiver' } },
    { name: 'earliest-clearing-record-decides', note: 'a waiver and a later receipt: the earliest (by at) names the rule, and is the evidence', dispute: missed, receipts: [byAlice({ at: due - 1000 }), byAlice({ outcome: 'waived', at: due - 2000 })], intended: { outcome: 'dismissed', rule: 'waiver' } },
    { name: 'same-time-lower-cid-decides', note: 'a receipt and a waiver with the same at: the one whose CID string sorts first decides', dispute: missed, receipts: [second!, first!], intended: { outcome: 'dismissed', rule: first!.value.outcome === 'waived' ? 'waiver' : 'receipt' } },
    { name: 'receipt-before-premature', note: 'rule 2 comes before rule 3: a premature claim with the claimant\'s receipt is dismissed by the receipt', dispute: dispute(deal, { openedAt: due - 1 }), receipts: [met], intended: { outcome: 'dismissed', rule: 'receipt' } },
    { name: 'unrefuted', note: 'not-as-agreed, before the deadline, no receipt: breach', dispute: notAsAgreed, receipts: [], intended: { outcome: 'breach', rule: 'unrefuted' } },
    { name: 'not-as-agreed-with-receipt', note: 'not-as-agreed, but the claimant signed a receipt: dismissed', dispute: notAsAgreed, receipts: [met], intended: { outcome: 'dismissed', rule: 'receipt' } },
    { name: 'claim-mismatch-unknown-obligation', note: 'the dispute names an obligation the agreement does not have', dispute: dispute(deal, { obligation: 'install' }), receipts: [], intended: { outcome: 'dismissed', rule: 'claim-mismatch' } },
    { name: 'claim-mismatch-parties', note: 'bob disputes his own obligation (claimant is the obligor, respondent the beneficiary)', dispute: dispute(deal, { claimant: bob.orgId, respondent: alice.orgId }), receipts: [], intended: { outcome: 'dismissed', rule: 'claim-mismatch' } },
    { name: 'claim-mismatch-before-receipt', note: 'rule 1 comes first: alice disputes "pay", which she owes, and a receipt does not change that', dispute: dispute(deal, { obligation: 'pay' }), receipts: [receipt(deal)], intended: { outcome: 'dismissed', rule: 'claim-mismatch' } }
  ]
}

export function disputeVectors (): unknown {
  const deal = story()
  const attestation = { cid: deal.attestation.cid.toString(), bytes: hex(deal.attestation.bytes) }
  const record = (r: SignedRecord<unknown>): unknown => ({ cid: r.cid.toString(), bytes: hex(r.bytes), value: json(r.value) })
  return {
    description: 'Cases of the deterministic rules (protocols/disputes.md, "Rules"). Every input record is valid (records.md §8) and given by its canonical bytes (hex), its CID and, for reading, its DAG-JSON value; the attestation is the one of records.json. Apply the rules to (attestation, dispute, receipts) and expect exactly expect: the outcome, the rule, and the evidence CIDs in order.',
    cases: cases(deal).map((c) => {
      const ruling = rule({ attestation: deal.attestation, dispute: c.dispute, receipts: c.receipts })
      if (ruling.outcome !== c.intended.outcome || ruling.rule !== c.intended.rule) {
        throw new Error(`${c.name}: the rules give ${ruling.outcome}/${ruling.rule}, the case means ${c.intended.outcome}/${c.intended.rule}`)
      }
      return {
        name: c.name,
        note: c.note,
        attestation,
        dispute: record(c.dispute),
        receipts: c.receipts.map(record),
        expect: { outcome: ruling.outcome, rule: ruling.rule, evidence: ruling.evidence.map((cid) => cid.toString()) }
      }
    })
  }
}
