import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { attestationKind } from '../../src/commitments/attestation-kind.js'
import { receiptKind, type Receipt } from '../../src/commitments/receipt-kind.js'
import { disputeKind } from '../../src/disputes/dispute-kind.js'
import { rule, type Ruling } from '../../src/disputes/rules.js'
import type { RecordKind } from '../../src/records/kind.js'
import { decodeRecord, type SignedRecord } from '../../src/records/record.js'
import { alice, bob, DAY, dispute, mallory, negotiate, receipt, sessionId, T0 } from '../../scripts/vectors/consequences.js'
import { repoRoot } from '../helpers/paths.js'

const deal = negotiate()
const due = T0 + 7 * DAY
const missed = dispute(deal)
/** alice's receipt for bob's "deliver": the record that clears bob. */
const byAlice = (fields: Partial<Receipt> = {}): SignedRecord<Receipt> => receipt(deal, { obligation: 'deliver', obligor: bob.orgId, beneficiary: alice.orgId, at: due - 1000, ...fields })
const ruling = (d = missed, receipts: Array<SignedRecord<Receipt>> = []): Ruling => rule({ attestation: deal.attestation, dispute: d, receipts })
const cids = (...records: Array<{ cid: { toString: () => string } }>): string[] => records.map((r) => r.cid.toString())
const evidence = (r: Ruling): string[] => r.evidence.map((c) => c.toString())

describe('consequences: the deterministic rules (src/disputes/rules.ts)', () => {
  describe('1. claim-mismatch', () => {
    it('dismisses a dispute about an obligation the agreement does not have', () => {
      const r = ruling(dispute(deal, { obligation: 'install' }))
      assert.deepEqual([r.outcome, r.rule], ['dismissed', 'claim-mismatch'])
    })

    it('dismisses a dispute whose claimant is not the beneficiary, or whose respondent is not the obligor', () => {
      for (const fields of [{ claimant: bob.orgId, respondent: alice.orgId }, { claimant: mallory.orgId }, { respondent: mallory.orgId }]) {
        const d = dispute(deal, fields)
        const r = ruling(d)
        assert.deepEqual([r.outcome, r.rule], ['dismissed', 'claim-mismatch'], JSON.stringify(fields))
        assert.deepEqual(evidence(r), cids(d, deal.attestation))
      }
    })

    it('comes before the receipts: a claim about the claimant\'s own obligation is a mismatch whatever is presented', () => {
      const r = ruling(dispute(deal, { obligation: 'pay' }), [receipt(deal)])
      assert.equal(r.rule, 'claim-mismatch')
    })
  })

  describe('2. receipt and waiver', () => {
    it('a receipt signed by the claimant for the obligation dismisses the claim, with the receipt as evidence', () => {
      const met = byAlice()
      const r = ruling(missed, [met])
      assert.deepEqual([r.outcome, r.rule], ['dismissed', 'receipt'])
      assert.deepEqual(evidence(r), cids(missed, deal.attestation, met))
    })

    it('a waiver dismisses it by the rule "waiver"', () => {
      const r = ruling(missed, [byAlice({ outcome: 'waived' })])
      assert.deepEqual([r.outcome, r.rule], ['dismissed', 'waiver'])
    })

    it('counts whenever it was signed, even after the dispute opened', () => {
      assert.equal(ruling(missed, [byAlice({ at: missed.value.openedAt + DAY })]).rule, 'receipt')
    })

    it('clears a not-as-agreed claim too', () => {
      const r = ruling(dispute(deal, { claim: 'not-as-agreed', openedAt: due - DAY }), [byAlice()])
      assert.deepEqual([r.outcome, r.rule], ['dismissed', 'receipt'])
    })

    it('comes before the deadline: a premature claim with a receipt is dismissed by the receipt', () => {
      assert.equal(ruling(dispute(deal, { openedAt: due }), [byAlice()]).rule, 'receipt')
    })

    it('ignores receipts of another obligation, of another commitment, or not signed by the claimant for the respondent', () => {
      const other = negotiate(undefined, sessionId('asp-vectors/session-2'))
      const noise = [
        receipt(deal), // "pay", bob's receipt
        byAlice({ obligation: 'support' }),
        byAlice({ commitment: other.id }),
        receipt(deal, { obligation: 'deliver', obligor: alice.orgId, beneficiary: bob.orgId }), // signed by bob, the obligor
        byAlice({ obligor: mallory.orgId }) // alice, but for another obligor
      ]
      const r = ruling(missed, noise)
      assert.deepEqual([r.outcome, r.rule], ['breach', 'deadline-missed'])
      assert.deepEqual(evidence(r), cids(missed, deal.attestation))
    })

    it('the earliest clearing record (by at) decides, whatever the order it is given in', () => {
      const waived = byAlice({ outcome: 'waived', at: due - 2000 })
      const met = byAlice({ at: due - 1000 })
      for (const receipts of [[met, waived], [waived, met]]) {
        const r = ruling(missed, receipts)
        assert.equal(r.rule, 'waiver')
        assert.deepEqual(evidence(r), cids(missed, deal.attestation, waived))
      }
    })

    it('at the same at, the record whose CID string sorts first decides', () => {
      const pair = [byAlice({ at: due - 5 }), byAlice({ outcome: 'waived', at: due - 5 })]
      const first = [...pair].sort((a, b) => (a.cid.toString() < b.cid.toString() ? -1 : 1))[0]!
      for (const receipts of [pair, [...pair].reverse()]) {
        const r = ruling(missed, receipts)
        assert.equal(r.rule, first.value.outcome === 'waived' ? 'waiver' : 'receipt')
        assert.deepEqual(evidence(r), cids(missed, deal.attestation, first))
      }
    })
  })

  describe('3. missed deadline', () => {
    it('a missed-deadline claim opened after the deadline is a breach', () => {
      const r = ruling(dispute(deal, { openedAt: due + 1 }))
      assert.deepEqual([r.outcome, r.rule], ['breach', 'deadline-missed'])
    })

    it('opened at or before the deadline it is dismissed as premature', () => {
      for (const openedAt of [due, due - 1, T0]) {
        const d = dispute(deal, { openedAt })
        const r = ruling(d)
        assert.deepEqual([r.outcome, r.rule], ['dismissed', 'premature'], String(openedAt))
        assert.deepEqual(evidence(r), cids(d, deal.attestation))
      }
    })
  })

  describe('4. unrefuted', () => {
    it('any other claim stands unless a receipt refutes it, even before the deadline', () => {
      for (const openedAt of [due - DAY, due + DAY]) {
        const d = dispute(deal, { claim: 'not-as-agreed', openedAt })
        const r = ruling(d)
        assert.deepEqual([r.outcome, r.rule], ['breach', 'unrefuted'])
        assert.deepEqual(evidence(r), cids(d, deal.attestation))
      }
    })
  })

  it('is pure: the same inputs give the same ruling, and the inputs are not changed', () => {
    const receipts = [byAlice({ at: due - 1 }), byAlice({ outcome: 'waived', at: due - 2 })]
    const before = cids(...receipts)
    assert.deepEqual(ruling(missed, receipts), ruling(missed, receipts))
    assert.deepEqual(cids(...receipts), before)
  })
})

interface DisputeCase {
  name: string
  attestation: { cid: string, bytes: string }
  dispute: { cid: string, bytes: string }
  receipts: Array<{ cid: string, bytes: string }>
  expect: { outcome: string, rule: string, evidence: string[] }
}

describe('consequences: protocols/vectors/disputes.json replayed', () => {
  it('every case verifies and rules as expected', async () => {
    const { cases } = JSON.parse(await readFile(join(repoRoot, 'protocols', 'vectors', 'disputes.json'), 'utf8')) as { cases: DisputeCase[] }
    assert.ok(cases.length >= 10)
    const rules = new Set<string>()
    for (const c of cases) {
      const decode = <T>(kind: RecordKind<T>, r: { cid: string, bytes: string }): SignedRecord<T> => {
        const record = decodeRecord(kind, Buffer.from(r.bytes, 'hex'))
        assert.equal(record.cid.toString(), r.cid, `${c.name}: CID`)
        return record
      }
      const r = rule({ attestation: decode(attestationKind, c.attestation), dispute: decode(disputeKind, c.dispute), receipts: c.receipts.map((x) => decode(receiptKind, x)) })
      assert.deepEqual({ outcome: r.outcome, rule: r.rule, evidence: evidence(r) }, c.expect, c.name)
      rules.add(r.rule)
    }
    assert.deepEqual([...rules].sort(), ['claim-mismatch', 'deadline-missed', 'premature', 'receipt', 'unrefuted', 'waiver'], 'every rule has a case')
  })
})
