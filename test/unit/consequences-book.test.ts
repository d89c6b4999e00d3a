import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ConsequenceBook, type ConsequenceKind, type Judgement } from '../../src/commitments/book.js'
import type { Dispute } from '../../src/disputes/dispute-kind.js'
import { buildVerdict } from '../../src/disputes/verdict-kind.js'
import type { SignedRecord } from '../../src/records/record.js'
import { alice, arbiters, bob, DAY, dispute, mallory, negotiate, receipt, sessionId, T0, vote } from '../../scripts/vectors/consequences.js'
import { repoRoot } from '../helpers/paths.js'

const SKEW = 300_000
const NOW = T0 + 60 * DAY
const deal = negotiate()
const other = negotiate(undefined, sessionId('asp-vectors/session-2'))
const due = T0 + 7 * DAY
const missed = dispute(deal)
const [a1, a2, a3] = arbiters as [typeof alice, typeof alice, typeof alice]

/** A node that holds the deal's attestation (and, if asked, the dispute). */
function book (options: { attestation?: boolean, disputes?: Array<SignedRecord<Dispute>>, maxParked?: number, now?: number } = {}): ConsequenceBook {
  const b = new ConsequenceBook(options.maxParked ?? 16, () => options.now ?? NOW, SKEW)
  if (options.attestation !== false) b.note('attestation', deal.attestation)
  for (const d of options.disputes ?? []) b.note('dispute', d)
  return b
}

const reject = (reason: string): Judgement => ({ verdict: 'reject', reason })
const ignore = (reason: string): Judgement => ({ verdict: 'ignore', reason })
const ACCEPT: Judgement = { verdict: 'accept' }
const judge = (b: ConsequenceBook, kind: ConsequenceKind, record: SignedRecord<unknown>): Judgement => b.judge(kind, record)

describe('consequences: judging public records against what the node holds (src/commitments/book.ts)', () => {
  it('accepts any attestation (its signatures and agreement were checked as a record)', () => {
    assert.deepEqual(judge(book({ attestation: false }), 'attestation', deal.attestation), ACCEPT)
    assert.deepEqual(judge(book(), 'attestation', deal.attestation), ACCEPT, 'a second copy is a duplicate block, caught before judging')
  })

  describe('receipts', () => {
    it('accepts the beneficiary\'s receipt for an obligation of a held attestation', () => {
      assert.deepEqual(judge(book(), 'receipt', receipt(deal)), ACCEPT)
    })

    it('waits for the attestation of an unknown commitment', () => {
      assert.deepEqual(judge(book({ attestation: false }), 'receipt', receipt(deal)), { verdict: 'wait', on: deal.id.toString() })
    })

    it('RECEIPT_UNKNOWN_OBLIGATION: no obligation of that id', () => {
      assert.deepEqual(judge(book(), 'receipt', receipt(deal, { obligation: 'install' })), reject('RECEIPT_UNKNOWN_OBLIGATION'))
    })

    it('RECEIPT_NOT_BENEFICIARY: signed by the obligor, by an outsider, or naming another obligor', () => {
      const b = book()
      assert.deepEqual(judge(b, 'receipt', receipt(deal, { obligor: bob.orgId, beneficiary: alice.orgId })), reject('RECEIPT_NOT_BENEFICIARY'), 'the obligor signs its own receipt')
      assert.deepEqual(judge(b, 'receipt', receipt(deal, { beneficiary: mallory.orgId })), reject('RECEIPT_NOT_BENEFICIARY'))
      assert.deepEqual(judge(b, 'receipt', receipt(deal, { obligor: mallory.orgId })), reject('RECEIPT_NOT_BENEFICIARY'))
    })

    it('RECEIPT_FROM_THE_FUTURE: dated more than maxSkewMs after the node\'s clock (exactly maxSkewMs is in time)', () => {
      const b = book()
      assert.deepEqual(judge(b, 'receipt', receipt(deal, { at: NOW + SKEW + 1 })), reject('RECEIPT_FROM_THE_FUTURE'))
      assert.deepEqual(judge(b, 'receipt', receipt(deal, { at: NOW + SKEW })), ACCEPT)
    })

    it('ignores a second receipt for one obligation, whatever its outcome: the first held counts', () => {
      const b = book()
      b.note('receipt', receipt(deal))
      assert.deepEqual(judge(b, 'receipt', receipt(deal, { at: T0 + 11 * DAY })), ignore('receipted already'))
      assert.deepEqual(judge(b, 'receipt', receipt(deal, { outcome: 'waived' })), ignore('receipted already'))
      b.note('receipt', receipt(deal, { outcome: 'waived' }))
      assert.equal(b.receipts.get(`${deal.id.toString()}/pay`)?.value.outcome, 'met')
    })

    it('checks in order: obligation, beneficiary, time, then duplicates', () => {
      const b = book()
      b.note('receipt', receipt(deal))
      assert.deepEqual(judge(b, 'receipt', receipt(deal, { obligation: 'install', beneficiary: mallory.orgId })), reject('RECEIPT_UNKNOWN_OBLIGATION'))
      assert.deepEqual(judge(b, 'receipt', receipt(deal, { beneficiary: mallory.orgId, at: NOW + DAY })), reject('RECEIPT_NOT_BENEFICIARY'))
      assert.deepEqual(judge(b, 'receipt', receipt(deal, { at: NOW + DAY })), reject('RECEIPT_FROM_THE_FUTURE'))
    })
  })

  describe('disputes', () => {
    it('accepts the beneficiary\'s missed-deadline claim after the deadline', () => {
      assert.deepEqual(judge(book(), 'dispute', missed), ACCEPT)
    })

    it('waits for the attestation', () => {
      assert.deepEqual(judge(book({ attestation: false }), 'dispute', missed), { verdict: 'wait', on: deal.id.toString() })
    })

    it('DISPUTE_UNKNOWN_OBLIGATION', () => {
      assert.deepEqual(judge(book(), 'dispute', dispute(deal, { obligation: 'install' })), reject('DISPUTE_UNKNOWN_OBLIGATION'))
    })

    it('DISPUTE_NOT_BENEFICIARY: the claimant is not the beneficiary, or the respondent not the obligor', () => {
      const b = book()
      assert.deepEqual(judge(b, 'dispute', dispute(deal, { claimant: bob.orgId, respondent: alice.orgId })), reject('DISPUTE_NOT_BENEFICIARY'))
      assert.deepEqual(judge(b, 'dispute', dispute(deal, { claimant: mallory.orgId })), reject('DISPUTE_NOT_BENEFICIARY'))
      assert.deepEqual(judge(b, 'dispute', dispute(deal, { respondent: mallory.orgId })), reject('DISPUTE_NOT_BENEFICIARY'))
    })

    it('DISPUTE_FROM_THE_FUTURE', () => {
      assert.deepEqual(judge(book(), 'dispute', dispute(deal, { openedAt: NOW + SKEW + 1 })), reject('DISPUTE_FROM_THE_FUTURE'))
      assert.deepEqual(judge(book(), 'dispute', dispute(deal, { openedAt: NOW + SKEW })), ACCEPT)
    })

    it('DISPUTE_PREMATURE: a missed deadline claimed at or before the deadline; other claims may come before it', () => {
      assert.deepEqual(judge(book(), 'dispute', dispute(deal, { openedAt: due })), reject('DISPUTE_PREMATURE'))
      assert.deepEqual(judge(book(), 'dispute', dispute(deal, { openedAt: due + 1 })), ACCEPT)
      assert.deepEqual(judge(book({ now: T0 + DAY }), 'dispute', dispute(deal, { claim: 'not-as-agreed', openedAt: T0 + DAY })), ACCEPT)
    })

    it('ignores a second dispute with the same claim about one obligation; another claim is accepted', () => {
      const b = book({ disputes: [missed] })
      assert.deepEqual(judge(b, 'dispute', dispute(deal, { openedAt: missed.value.openedAt + 1 })), ignore('disputed already'))
      assert.deepEqual(judge(b, 'dispute', dispute(deal, { claim: 'not-as-agreed' })), ACCEPT)
    })

    it('checks in order: obligation, parties, time, premature, then duplicates', () => {
      const b = book({ disputes: [missed] })
      assert.deepEqual(judge(b, 'dispute', dispute(deal, { obligation: 'install', claimant: mallory.orgId })), reject('DISPUTE_UNKNOWN_OBLIGATION'))
      assert.deepEqual(judge(b, 'dispute', dispute(deal, { claimant: mallory.orgId, openedAt: NOW + DAY })), reject('DISPUTE_NOT_BENEFICIARY'))
      assert.deepEqual(judge(b, 'dispute', dispute(deal, { openedAt: NOW + DAY })), reject('DISPUTE_FROM_THE_FUTURE'))
      assert.deepEqual(judge(b, 'dispute', dispute(deal, { openedAt: due })), reject('DISPUTE_PREMATURE'))
    })
  })

  describe('votes', () => {
    it('accepts a vote of an arbiter of the commitment on a held dispute', () => {
      assert.deepEqual(judge(book({ disputes: [missed] }), 'vote', vote(deal, missed, a1)), ACCEPT)
    })

    it('waits for the dispute, then for the attestation', () => {
      assert.deepEqual(judge(book(), 'vote', vote(deal, missed, a1)), { verdict: 'wait', on: missed.cid.toString() })
      assert.deepEqual(judge(book({ attestation: false, disputes: [missed] }), 'vote', vote(deal, missed, a1)), { verdict: 'wait', on: deal.id.toString() })
    })

    it('VOTE_WRONG_DISPUTE: the vote names another commitment or obligation than its dispute', () => {
      const b = book({ disputes: [missed] })
      assert.deepEqual(judge(b, 'vote', vote(deal, missed, a1, { commitment: other.id })), reject('VOTE_WRONG_DISPUTE'))
      assert.deepEqual(judge(b, 'vote', vote(deal, missed, a1, { obligation: 'pay' })), reject('VOTE_WRONG_DISPUTE'))
    })

    it('VOTE_NOT_ARBITER: signed by an org the commitment does not name as arbiter, a party included', () => {
      const b = book({ disputes: [missed] })
      assert.deepEqual(judge(b, 'vote', vote(deal, missed, mallory)), reject('VOTE_NOT_ARBITER'))
      assert.deepEqual(judge(b, 'vote', vote(deal, missed, alice)), reject('VOTE_NOT_ARBITER'))
    })

    it('VOTE_FROM_THE_FUTURE', () => {
      assert.deepEqual(judge(book({ disputes: [missed] }), 'vote', vote(deal, missed, a1, { at: NOW + SKEW + 1 })), reject('VOTE_FROM_THE_FUTURE'))
    })

    it('ignores a second vote of one arbiter on one dispute, even for the other outcome', () => {
      const b = book({ disputes: [missed] })
      b.note('vote', vote(deal, missed, a1))
      assert.deepEqual(judge(b, 'vote', vote(deal, missed, a1, { outcome: 'dismissed', rule: 'receipt' })), ignore('voted already'))
      assert.deepEqual(judge(b, 'vote', vote(deal, missed, a2)), ACCEPT)
    })

    it('checks in order: wrong dispute, arbiter, time, then duplicates', () => {
      const b = book({ disputes: [missed] })
      b.note('vote', vote(deal, missed, a1))
      assert.deepEqual(judge(b, 'vote', vote(deal, missed, mallory, { obligation: 'pay', at: NOW + DAY })), reject('VOTE_WRONG_DISPUTE'))
      assert.deepEqual(judge(b, 'vote', vote(deal, missed, mallory, { at: NOW + DAY })), reject('VOTE_NOT_ARBITER'))
      assert.deepEqual(judge(b, 'vote', vote(deal, missed, a1, { at: NOW + DAY })), reject('VOTE_FROM_THE_FUTURE'))
    })
  })

  describe('verdicts', () => {
    const breach = buildVerdict(deal.attestation, missed, [vote(deal, missed, a1), vote(deal, missed, a2)])
    const dismissal = buildVerdict(deal.attestation, missed, [vote(deal, missed, a2, { outcome: 'dismissed', rule: 'receipt' }), vote(deal, missed, a3, { outcome: 'dismissed', rule: 'receipt' })])

    it('accepts a verdict even when neither the attestation nor the dispute is held: it carries both', () => {
      assert.deepEqual(judge(book({ attestation: false }), 'verdict', breach), ACCEPT)
    })

    it('ignores a second verdict of one outcome on one dispute, and accepts the other outcome', () => {
      const b = book({ disputes: [missed] })
      b.note('verdict', breach)
      const again = buildVerdict(deal.attestation, missed, [vote(deal, missed, a2), vote(deal, missed, a3)])
      assert.notEqual(again.cid.toString(), breach.cid.toString())
      assert.deepEqual(judge(b, 'verdict', again), ignore('ruled already'))
      assert.deepEqual(judge(b, 'verdict', dismissal), ACCEPT)
      b.note('verdict', dismissal)
      assert.deepEqual([...b.verdicts.get(missed.cid.toString())!.keys()], ['breach', 'dismissed'])
    })
  })

  describe('parking', () => {
    it('a record waiting for an attestation is handed back when the attestation is noted', () => {
      const b = book({ attestation: false })
      const r = receipt(deal)
      const judged = b.judge('receipt', r)
      assert.equal(judged.verdict, 'wait')
      b.park((judged as { on: string }).on, { kind: 'receipt', record: r })
      b.park((judged as { on: string }).on, { kind: 'receipt', record: r })
      assert.equal(b.parkedSize, 1, 'the same record is parked once')
      const back = b.note('attestation', deal.attestation)
      assert.deepEqual(back.map((p) => p.record.cid.toString()), [r.cid.toString()])
      assert.equal(b.parkedSize, 0)
      assert.deepEqual(b.judge('receipt', r), ACCEPT)
    })

    it('a vote waiting for its dispute is handed back when the dispute is noted', () => {
      const b = book()
      const v = vote(deal, missed, a1)
      b.park(missed.cid.toString(), { kind: 'vote', record: v })
      assert.deepEqual(b.note('dispute', missed).map((p) => p.record.cid.toString()), [v.cid.toString()])
    })

    it('when the lot is full, the oldest parked record is dropped, one at a time', () => {
      const b = book({ attestation: false, maxParked: 3 })
      const onX = [receipt(other), receipt(other, { at: T0 + 12 * DAY })]
      for (const r of onX) b.park(other.id.toString(), { kind: 'receipt', record: r })
      b.park(deal.id.toString(), { kind: 'receipt', record: receipt(deal) })
      assert.equal(b.parkedSize, 3)
      b.park(deal.id.toString(), { kind: 'receipt', record: receipt(deal, { at: T0 + 12 * DAY }) })
      assert.equal(b.parkedSize, 3, 'the lot stays full')
      assert.deepEqual(b.note('attestation', other.attestation).map((p) => p.record.cid.toString()), [onX[1]!.cid.toString()], 'the first record parked went')
      assert.equal(b.note('attestation', deal.attestation).length, 2)
    })

    // Receipts anyone can sign for a made-up commitment CID must not grow the lot without bound.
    it('never holds more than maxParked records, even when they all wait on one key', () => {
      const b = book({ attestation: false, maxParked: 2 })
      for (let i = 0; i < 10; i++) b.park(deal.id.toString(), { kind: 'receipt', record: receipt(deal, { at: T0 + i }) })
      assert.ok(b.parkedSize >= 0 && b.parkedSize <= 2, `parkedSize ${b.parkedSize}`)
      assert.ok(b.note('attestation', deal.attestation).length <= 2, 'records handed back')
    })
  })
})

describe('consequences: the reason codes of book.ts', () => {
  it('are exactly those tested above', async () => {
    const source = await readFile(join(repoRoot, 'src', 'commitments', 'book.ts'), 'utf8')
    const inSource = [...source.matchAll(/reject\('([A-Z_]+)'\)/g)].map((m) => m[1]).sort()
    const tested = [...(await readFile(join(repoRoot, 'test', 'unit', 'consequences-book.test.ts'), 'utf8')).matchAll(/reject\('([A-Z_]+)'\)/g)].map((m) => m[1])
    assert.deepEqual([...new Set(tested)].sort(), inSource)
  })
})
