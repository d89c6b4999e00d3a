// protocols/vectors/keys.json and records.json: one example of each record kind with its canonical
// bytes, CID, signing message and signature, for implementers in other languages.
import * as dagJson from '@ipld/dag-json'
import { buildForkProof } from '../../src/records/kinds/fork-proof.js'
import { agentCardKind, entryKind, forkProofKind, headKind } from '../../src/records/kinds/index.js'
import { sessionMessageKind } from '../../src/session/message-kind.js'
import { signingMessage, signRecord, type SignedRecord } from '../../src/records/record.js'
import type { RecordKind } from '../../src/records/kind.js'
import { commitmentKind } from '../../src/session/commitment-kind.js'
import { attestationKind } from '../../src/commitments/attestation-kind.js'
import { receiptKind } from '../../src/commitments/receipt-kind.js'
import { disputeKind } from '../../src/disputes/dispute-kind.js'
import { voteKind } from '../../src/disputes/vote-kind.js'
import { verdictKind } from '../../src/disputes/verdict-kind.js'
import { story } from './consequences.js'
import { approvalKind, decisionKind, policyChangeKind } from '../../src/policy/records.js'
import { ALICE, ARBITERS, BOB, MALLORY, vectorKey } from './keys.js'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

function describe<T> (kind: RecordKind<T>, record: SignedRecord<T>, note: string): unknown {
  const signatures = kind.signatures(record.value)
  return {
    kind: kind.name,
    note,
    value: JSON.parse(Buffer.from(dagJson.encode(record.value)).toString('utf8')),
    bytes: hex(record.bytes),
    cid: record.cid.toString(),
    signingMessage: signatures.length > 0 ? hex(signingMessage(kind.signingDomain ?? kind.name, kind.unsigned(record.value))) : null,
    signatures: signatures.map((s) => ({ signer: s.signer, sig: hex(s.sig) }))
  }
}

export function recordVectors (): { keys: unknown, records: unknown } {
  const alice = vectorKey(ALICE)
  const mallory = vectorKey(MALLORY)
  const t0 = 1_767_225_600_000
  const e1 = signRecord(entryKind, { v: 1, author: alice.orgId, seq: 1, prev: null, ts: t0, kind: 'genesis', body: { network: 'devnet', software: 'asp-node/vectors' } }, alice)
  const e2 = signRecord(entryKind, { v: 1, author: alice.orgId, seq: 2, prev: e1.cid, ts: t0 + 1000, kind: 'note', body: { text: 'first note' } }, alice)
  const e2b = signRecord(entryKind, { v: 1, author: alice.orgId, seq: 2, prev: e1.cid, ts: t0 + 1000, kind: 'note', body: { text: 'a different second entry' } }, alice)
  const head = signRecord(headKind, { v: 1, author: alice.orgId, seq: 2, cid: e2.cid, ts: t0 + 2000 }, alice)
  const emptyHead = signRecord(headKind, { v: 1, author: mallory.orgId, seq: 0, cid: null, ts: t0 }, mallory)
  const card = signRecord(agentCardKind, {
    v: 1, org: alice.orgId, agent: 'sales', capabilities: ['sell:gpu-hours'], summary: 'GPU hours, billed per hour',
    addresses: ['/ip4/127.0.0.1/tcp/4001'], expires: t0 + 86_400_000, seq: 1
  }, alice)
  const request = signRecord(sessionMessageKind, {
    v: 1, type: 'REQUEST', session: 'aaaaaaaaaaaaaaaaaaaaaaaaaa', seq: 1, prev: null,
    from: { org: alice.orgId, agent: 'procurement' }, to: { org: mallory.orgId, agent: 'sales' }, ts: t0 + 3000,
    body: { capability: 'sell:gpu-hours', description: '500 GPU hours by Friday' }
  }, alice)
  const fork = buildForkProof({ kind: 'entry', record: e2.bytes }, { kind: 'entry', record: e2b.bytes })
  const deal = story()
  const policyChange = signRecord(policyChangeKind, {
    v: 1, org: alice.orgId, agent: 'procurement', source: 'api', ts: t0 + 4000,
    policy: { spend: { EUR: { perDeal: 5_000_000, perDay: 10_000_000 } }, approval: { above: { EUR: 1_000_000 }, quorum: 2 } }
  }, alice)
  const approval = signRecord(approvalKind, {
    v: 1, org: alice.orgId, subject: { kind: 'session', id: 'aaaaaaaaaaaaaaaaaaaaaaaaaa' }, summary: 'procurement wants to ACCEPT 20,000.00 EUR for 500 GPU hours',
    facts: { total: '20000.00 EUR' }, quorum: 2, approvers: null, payload: { type: 'ACCEPT' }, ts: t0 + 5000
  }, alice)
  const decision = signRecord(decisionKind, { v: 1, org: alice.orgId, approval: approval.cid, approver: 'carol', decision: 'approve', ts: t0 + 6000 }, alice)
  return {
    keys: {
      description: 'Keys used by the vectors. seed = sha256(utf8(name)); the private key is the RFC 8032 seed.',
      keys: [alice, mallory, vectorKey(BOB), ...ARBITERS.map(vectorKey)].map((k) => ({ name: k.name, seed: hex(k.seed), publicKey: hex(k.publicKey), orgId: k.orgId }))
    },
    records: {
      description: 'One or more examples of each record kind. value is the DAG-JSON form; bytes the canonical DAG-CBOR; cid the CIDv1 (dag-cbor, sha2-256) of bytes; signingMessage the exact bytes each signature covers.',
      records: [
        describe(entryKind, e1, 'seq 1: prev is null'),
        describe(entryKind, e2, 'seq 2, linking to seq 1'),
        describe(headKind, head, 'head of the two-entry log'),
        describe(headKind, emptyHead, 'head of an empty log'),
        describe(agentCardKind, card, 'an agent card'),
        describe(entryKind, e2b, 'a second, conflicting seq 2 (used by the fork proof below)'),
        describe(forkProofKind, fork, 'fork proof over the two seq-2 entries: no signature of its own'),
        describe(sessionMessageKind, request, 'the first message of a negotiation session: a REQUEST'),
        describe(sessionMessageKind, deal.messages[1]!, 'bob\'s PROPOSE to alice: the offer the deal terms below name (commitments.md §2.1)'),
        describe(sessionMessageKind, deal.messages[2]!, 'alice\'s ACCEPT of that offer: its ts is the agreement\'s at'),
        describe(commitmentKind, deal.commitment, 'the commitment of alice and bob, after both COMMITs: public agreement, private deal terms, both signatures over the agreement in domain "commitment"; valueClass 4 (20,000.00 EUR)'),
        describe(attestationKind, deal.attestation, 'its attestation: the commitment without the deal terms; same signatures, same signing message'),
        describe(receiptKind, deal.receiptMet, 'bob\'s receipt: alice met "pay"'),
        describe(receiptKind, deal.receiptWaived, 'alice\'s waiver of "support"'),
        describe(disputeKind, deal.dispute, 'alice\'s dispute: bob missed "deliver" (opened after the deadline and one hour of grace)'),
        describe(voteKind, deal.votes[0]!, 'arbiter-1 votes breach (rule deadline-missed)'),
        describe(voteKind, deal.votes[1]!, 'arbiter-2 votes breach (rule deadline-missed)'),
        describe(verdictKind, deal.verdict, 'the verdict: the attestation, the dispute and the two votes (quorum 2), sorted by arbiter; no signature of its own'),
        describe(policyChangeKind, policyChange, 'alice\'s operator sets the procurement agent\'s policy (protocols/policy.md)'),
        describe(approvalKind, approval, 'the node asks alice\'s humans to approve a held ACCEPT'),
        describe(decisionKind, decision, 'one approver\'s decision on it')
      ]
    }
  }
}
