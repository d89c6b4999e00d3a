import assert from 'node:assert/strict'
import { ConsequenceBook } from '../../src/commitments/book.js'
import { commitmentOutcome, obligationStatus, type ObligationStatus } from '../../src/commitments/outcome.js'
import type { Dispute } from '../../src/disputes/dispute-kind.js'
import { buildVerdict } from '../../src/disputes/verdict-kind.js'
import type { VerdictOutcome } from '../../src/disputes/vote-kind.js'
import type { SignedRecord } from '../../src/records/record.js'
import { alice, arbiters, bob, DAY, dispute, negotiate, receipt, T0, vote } from '../../scripts/vectors/consequences.js'

const deal = negotiate()
const id = deal.id.toString()
const due = T0 + 7 * DAY
const [a1, a2, a3] = arbiters as [typeof alice, typeof alice, typeof alice]
const missed = dispute(deal)
const notAsAgreed = dispute(deal, { claim: 'not-as-agreed' })

function book (): ConsequenceBook {
  const b = new ConsequenceBook(16, () => T0 + 60 * DAY, 300_000)
  b.note('attestation', deal.attestation)
  return b
}

function rule (b: ConsequenceBook, on: SignedRecord<Dispute>, outcome: VerdictOutcome, by = [a1, a2]): void {
  const fields = outcome === 'breach' ? {} : { outcome, rule: 'receipt' }
  b.note('verdict', buildVerdict(deal.attestation, on, by.map((a) => vote(deal, on, a, fields))))
}

const deliver = (b: ConsequenceBook, now?: number): ObligationStatus => obligationStatus(b, id, 'deliver', now)
const byAlice = receipt(deal, { obligation: 'deliver', obligor: bob.orgId, beneficiary: alice.orgId, at: due - 1000 })

describe('consequences: where an obligation and a commitment stand (src/commitments/outcome.ts)', () => {
  describe('obligationStatus', () => {
    it('pending until the deadline, overdue after it (a deadline is met up to and including dueBy)', () => {
      const b = book()
      assert.equal(deliver(b, due), 'pending')
      assert.equal(deliver(b, due + 1), 'overdue')
      assert.equal(deliver(b), 'pending', 'without a time, never overdue')
    })

    it('pending for an obligation or commitment the node does not hold', () => {
      assert.equal(obligationStatus(book(), id, 'install', due + DAY), 'pending')
      assert.equal(obligationStatus(book(), 'bafyunknown', 'deliver', due + DAY), 'pending')
    })

    it('honored with a receipt "met", waived with a waiver, whatever the time', () => {
      const b = book()
      b.note('receipt', byAlice)
      assert.equal(deliver(b, due + DAY), 'honored')
      const w = book()
      w.note('receipt', receipt(deal, { obligation: 'deliver', obligor: bob.orgId, beneficiary: alice.orgId, outcome: 'waived' }))
      assert.equal(deliver(w, due + DAY), 'waived')
    })

    it('disputed while a dispute has no verdict, even with a receipt', () => {
      const b = book()
      b.note('dispute', missed)
      assert.equal(deliver(b, due + DAY), 'disputed')
      b.note('receipt', byAlice)
      assert.equal(deliver(b, due + DAY), 'disputed')
    })

    it('breached with a verdict of breach, over a receipt', () => {
      const b = book()
      b.note('dispute', missed)
      b.note('receipt', byAlice)
      rule(b, missed, 'breach')
      assert.equal(deliver(b, due + DAY), 'breached')
    })

    it('after a dismissal the dispute is closed: the receipt, or else the deadline, decides', () => {
      const b = book()
      b.note('dispute', missed)
      rule(b, missed, 'dismissed')
      assert.equal(deliver(b, due + DAY), 'overdue', 'dismissed, and still no receipt held')
      assert.equal(deliver(b, due), 'pending')
      b.note('receipt', byAlice)
      assert.equal(deliver(b, due + DAY), 'honored')
    })

    it('conflicting verdicts (breach and dismissed on one dispute) leave it disputed', () => {
      const b = book()
      b.note('dispute', missed)
      rule(b, missed, 'breach', [a1, a2])
      rule(b, missed, 'dismissed', [a2, a3])
      assert.equal(deliver(b, due + DAY), 'disputed')
    })

    it('a breach on one dispute stands, whatever another dispute of the obligation says, in either order', () => {
      for (const order of [[missed, notAsAgreed], [notAsAgreed, missed]]) {
        const b = book()
        for (const d of order) b.note('dispute', d)
        rule(b, missed, 'breach')
        assert.equal(deliver(b, due + DAY), 'breached')
      }
      const both = book()
      both.note('dispute', missed)
      both.note('dispute', notAsAgreed)
      rule(both, missed, 'dismissed')
      assert.equal(deliver(both, due + DAY), 'disputed', 'one dismissed, one open: open')
    })

    it('a verdict stands even where its dispute was not received alone: it carries it', () => {
      const b = book()
      rule(b, missed, 'breach')
      assert.equal(deliver(b, due + DAY), 'breached')
    })

    it('concerns one obligation only', () => {
      const b = book()
      b.note('dispute', missed)
      rule(b, missed, 'breach')
      b.note('receipt', receipt(deal))
      assert.equal(obligationStatus(b, id, 'pay', due + DAY), 'honored')
      assert.equal(obligationStatus(b, id, 'support', due + DAY), 'pending')
    })
  })

  describe('commitmentOutcome', () => {
    const cases: Array<[ObligationStatus[], string]> = [
      [['honored', 'honored'], 'honored'],
      [['honored', 'waived'], 'honored'],
      [['waived'], 'honored'],
      [['honored', 'pending'], 'pending'],
      [['honored', 'overdue'], 'pending'],
      [['disputed', 'honored'], 'disputed'],
      [['disputed', 'overdue'], 'disputed'],
      [['breached', 'disputed'], 'breached'],
      [['honored', 'breached'], 'breached'],
      [[], 'honored']
    ]
    for (const [statuses, outcome] of cases) {
      it(`[${statuses.join(', ')}] -> ${outcome}`, () => assert.equal(commitmentOutcome(statuses), outcome))
    }

    it('a commitment is honored once every obligation has a receipt or a waiver', () => {
      const b = book()
      const statuses = (): ObligationStatus[] => deal.attestation.value.agreement.obligations.map((o) => obligationStatus(b, id, o.id, T0 + 60 * DAY))
      assert.equal(commitmentOutcome(statuses()), 'pending')
      b.note('receipt', byAlice)
      b.note('receipt', receipt(deal))
      assert.equal(commitmentOutcome(statuses()), 'pending')
      b.note('receipt', receipt(deal, { obligation: 'support', obligor: bob.orgId, beneficiary: alice.orgId, outcome: 'waived' }))
      assert.equal(commitmentOutcome(statuses()), 'honored')
    })
  })
})
