import assert from 'node:assert/strict'
import { attestationKind } from '../../src/commitments/attestation-kind.js'
import { buildVerdict, readVerdict, verdictKind, type Verdict } from '../../src/disputes/verdict-kind.js'
import type { Vote } from '../../src/disputes/vote-kind.js'
import { RecordError } from '../../src/errors.js'
import { encode } from '../../src/records/codec.js'
import { decodeRecord, encodeRecord, signingMessage, type SignedRecord } from '../../src/records/record.js'
import { COMMITMENT_DOMAIN } from '../../src/session/commitment-kind.js'
import { alice, arbiters, bob, dealTerms, dispute, mallory, negotiate, sessionId, vote } from '../../scripts/vectors/consequences.js'

const deal = negotiate()
const other = negotiate(undefined, sessionId('asp-vectors/session-2'))
const missed = dispute(deal)
const [a1, a2, a3] = arbiters as [typeof alice, typeof alice, typeof alice]
const byArbiter = (votes: Array<SignedRecord<Vote>>): Array<SignedRecord<Vote>> => [...votes].sort((a, b) => (a.value.arbiter < b.value.arbiter ? -1 : 1))
const quorum = byArbiter([vote(deal, missed, a1), vote(deal, missed, a2)])

function verdict (fields: Partial<Omit<Verdict, 'votes'>> & { votes?: Array<SignedRecord<Vote>> } = {}): Verdict {
  const { votes, ...rest } = fields
  return { v: 1, outcome: 'breach', attestation: deal.attestation.bytes, dispute: missed.bytes, votes: (votes ?? quorum).map((v) => v.bytes), ...rest }
}

/** readVerdict throws a RecordError with `code` (and a message matching `message`), and so does decoding the record. */
function refused (value: Verdict, code: string, message?: RegExp): void {
  const check = (err: unknown): boolean => {
    assert.ok(err instanceof RecordError, String(err))
    assert.equal(err.code, code, err.message)
    if (message !== undefined) assert.match(err.message, message)
    return true
  }
  assert.throws(() => readVerdict(value), check)
  assert.throws(() => decodeRecord(verdictKind, encode(value)), check)
}

describe('consequences: reading a verdict (src/disputes/verdict-kind.ts readVerdict)', () => {
  it('reads a quorum of votes for one outcome: the commitment, the dispute, the votes, and at = the latest vote', () => {
    const late = vote(deal, missed, a3, { at: missed.value.openedAt + 3_600_000 })
    const read = readVerdict(verdict({ votes: byArbiter([...quorum, late]) }))
    assert.equal(read.outcome, 'breach')
    assert.equal(read.commitment.toString(), deal.id.toString())
    assert.equal(read.dispute.cid.toString(), missed.cid.toString())
    assert.equal(read.votes.length, 3, 'more votes than the quorum are fine')
    assert.equal(read.at, late.value.at)
    assert.equal(decodeRecord(verdictKind, encode(verdict())).value.outcome, 'breach')
  })

  describe('the attestation inside', () => {
    it('with a signature that does not verify: RECORD_SIGNATURE_INVALID', () => {
      const forged = encodeRecord(attestationKind, { ...deal.attestation.value, sigs: { ...deal.attestation.value.sigs, responder: mallory.sign(new Uint8Array([1])) } })
      refused(verdict({ attestation: forged.bytes }), 'RECORD_SIGNATURE_INVALID')
    })

    it('not an attestation: the private commitment record or a dispute is RECORD_SCHEMA_INVALID, cut bytes RECORD_DECODE_FAILED', () => {
      refused(verdict({ attestation: deal.commitment.bytes }), 'RECORD_SCHEMA_INVALID')
      refused(verdict({ attestation: missed.bytes }), 'RECORD_SCHEMA_INVALID')
      refused(verdict({ attestation: deal.attestation.bytes.subarray(0, 100) }), 'RECORD_DECODE_FAILED')
    })

    it('signed by both parties but with an agreement that breaks the rules (quorum above the arbiters): RECORD_INVALID', () => {
      const agreement = { ...deal.attestation.value.agreement, quorum: 4 }
      const message = signingMessage(COMMITMENT_DOMAIN, agreement)
      const bad = encodeRecord(attestationKind, { v: 1, agreement, sigs: { initiator: alice.sign(message), responder: bob.sign(message) } })
      refused(verdict({ attestation: bad.bytes }), 'RECORD_INVALID', /quorum/)
    })
  })

  describe('the dispute inside', () => {
    it('with a signature that does not verify: RECORD_SIGNATURE_INVALID', () => {
      refused(verdict({ dispute: dispute(deal, {}, mallory).bytes }), 'RECORD_SIGNATURE_INVALID')
    })

    it('about another commitment: RECORD_INVALID', () => {
      refused(verdict({ dispute: dispute(other).bytes }), 'RECORD_INVALID', /another commitment/)
    })

    it('about no obligation of the commitment, or not between its beneficiary and obligor: RECORD_INVALID', () => {
      refused(verdict({ dispute: dispute(deal, { obligation: 'install' }).bytes }), 'RECORD_INVALID', /does not match an obligation/)
      refused(verdict({ dispute: dispute(deal, { claimant: bob.orgId, respondent: alice.orgId }).bytes }), 'RECORD_INVALID', /does not match an obligation/)
      refused(verdict({ dispute: dispute(deal, { respondent: mallory.orgId }).bytes }), 'RECORD_INVALID', /does not match an obligation/)
    })
  })

  it('a commitment that names no arbiters has no verdicts: RECORD_INVALID, before any vote is read', () => {
    const alone = negotiate(dealTerms({ arbiters: [], quorum: 0 }), sessionId('asp-vectors/session-3'))
    const d = dispute(alone)
    refused({ v: 1, outcome: 'breach', attestation: alone.attestation.bytes, dispute: d.bytes, votes: [vote(alone, d, a1).bytes] }, 'RECORD_INVALID', /names no arbiters/)
    refused({ v: 1, outcome: 'breach', attestation: alone.attestation.bytes, dispute: d.bytes, votes: [new Uint8Array([1, 2, 3])] }, 'RECORD_INVALID', /names no arbiters/)
  })

  describe('the votes inside', () => {
    it('a vote whose signature does not verify: RECORD_SIGNATURE_INVALID', () => {
      refused(verdict({ votes: byArbiter([vote(deal, missed, a1), vote(deal, missed, a2, {}, mallory)]) }), 'RECORD_SIGNATURE_INVALID')
    })

    it('every vote is decoded before any is checked: a forged second vote wins over a wrong first one', () => {
      const [low, high] = byArbiter([vote(deal, missed, a1), vote(deal, missed, a2)]).map((v) => (v.value.arbiter === a1.orgId ? a1 : a2))
      const wrongFirst = vote(deal, missed, low!, { outcome: 'dismissed', rule: 'receipt' })
      const forgedSecond = vote(deal, missed, high!, {}, alice)
      refused(verdict({ votes: [wrongFirst, forgedSecond] }), 'RECORD_SIGNATURE_INVALID')
    })

    it('not sorted by arbiter, or two votes of one arbiter: RECORD_INVALID', () => {
      refused(verdict({ votes: [...quorum].reverse() }), 'RECORD_INVALID', /sorted by arbiter/)
      refused(verdict({ votes: [quorum[0]!, vote(deal, missed, quorum[0]!.value.arbiter === a1.orgId ? a1 : a2, { at: missed.value.openedAt + 1 })] }), 'RECORD_INVALID', /sorted by arbiter/)
      refused(verdict({ votes: [quorum[0]!, quorum[0]!] }), 'RECORD_INVALID', /sorted by arbiter/)
    })

    it('a vote by an org that is not an arbiter of the commitment (a party included): RECORD_INVALID', () => {
      refused(verdict({ votes: byArbiter([vote(deal, missed, a1), vote(deal, missed, mallory)]) }), 'RECORD_INVALID', /is not an arbiter/)
      refused(verdict({ votes: byArbiter([vote(deal, missed, a1), vote(deal, missed, bob)]) }), 'RECORD_INVALID', /is not an arbiter/)
    })

    it('the order check comes before the arbiter check for each vote', () => {
      // An outsider whose id sorts before an arbiter's, voting after it: out of order and not an arbiter.
      const pairs = [mallory, alice, bob].flatMap((o) => [a1, a2, a3].map((a) => [a, o] as const)).filter(([a, o]) => o.orgId < a.orgId)
      const [arbiter, outsider] = pairs[0]!
      refused(verdict({ votes: [vote(deal, missed, arbiter), vote(deal, missed, outsider)] }), 'RECORD_INVALID', /sorted by arbiter/)
    })

    it('a vote about another dispute, commitment or obligation: RECORD_INVALID', () => {
      const later = dispute(deal, { openedAt: missed.value.openedAt + 1 })
      refused(verdict({ votes: byArbiter([vote(deal, missed, a1), vote(deal, later, a2)]) }), 'RECORD_INVALID', /another dispute/)
      refused(verdict({ votes: byArbiter([vote(deal, missed, a1), vote(deal, missed, a2, { commitment: other.id })]) }), 'RECORD_INVALID', /another dispute/)
      refused(verdict({ votes: byArbiter([vote(deal, missed, a1), vote(deal, missed, a2, { obligation: 'pay' })]) }), 'RECORD_INVALID', /another dispute/)
    })

    it('a vote for another outcome than the verdict\'s: RECORD_INVALID', () => {
      refused(verdict({ votes: byArbiter([vote(deal, missed, a1), vote(deal, missed, a2, { outcome: 'dismissed', rule: 'receipt' })]) }), 'RECORD_INVALID', /another outcome/)
      refused(verdict({ outcome: 'dismissed' }), 'RECORD_INVALID', /another outcome/)
    })

    it('fewer votes than the quorum: RECORD_INVALID', () => {
      refused(verdict({ votes: [vote(deal, missed, a1)] }), 'RECORD_INVALID', /1 votes, quorum 2/)
    })
  })

  describe('the record\'s shape (schema step, before readVerdict)', () => {
    it('no votes, more than 15, or a vote longer than the vote kind allows: RECORD_SCHEMA_INVALID', () => {
      for (const votes of [[], Array.from({ length: 16 }, () => quorum[0]!.bytes), [new Uint8Array(4097)]]) {
        assert.throws(() => decodeRecord(verdictKind, encode({ ...verdict(), votes })), (err: RecordError) => err.code === 'RECORD_SCHEMA_INVALID')
      }
    })

    it('an outcome other than breach or dismissed: RECORD_SCHEMA_INVALID', () => {
      assert.throws(() => decodeRecord(verdictKind, encode({ ...verdict(), outcome: 'guilty' })), (err: RecordError) => err.code === 'RECORD_SCHEMA_INVALID')
    })
  })

  describe('buildVerdict', () => {
    it('sorts the votes by arbiter and gives the record readVerdict accepts', () => {
      const built = buildVerdict(deal.attestation, missed, [...quorum].reverse())
      assert.deepEqual(built.value.votes.map((b) => Buffer.from(b).toString('hex')), quorum.map((v) => Buffer.from(v.bytes).toString('hex')))
      assert.equal(built.cid.toString(), buildVerdict(deal.attestation, missed, quorum).cid.toString(), 'the same votes give the same verdict, whatever their order')
    })

    it('refuses no votes, and votes that do not make a verdict', () => {
      assert.throws(() => buildVerdict(deal.attestation, missed, []), /no votes/)
      assert.throws(() => buildVerdict(deal.attestation, missed, [vote(deal, missed, a1)]), /quorum/)
    })
  })
})
