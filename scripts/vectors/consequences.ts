// A deal and its consequences, made from the vector keys without a network, for the vectors
// (protocols/vectors/records.json, disputes.json) and the unit tests. alice (initiator, buyer) and
// bob (responder, vendor) negotiate through the real state machine and both commit; then bob
// confirms alice's payment (a receipt, "met"), alice waives the support bob owed her (a receipt,
// "waived"), bob misses his delivery, alice's node opens a dispute, two of the three arbiters vote
// breach, and the verdict is assembled from their votes.
import { createHash } from 'node:crypto'
import { base32 } from 'multiformats/bases/base32'
import { attestationOf, commitmentIdOf, type Attestation } from '../../src/commitments/attestation-kind.js'
import { receiptKind, type Receipt } from '../../src/commitments/receipt-kind.js'
import { disputeKind, type Dispute } from '../../src/disputes/dispute-kind.js'
import { rule } from '../../src/disputes/rules.js'
import { buildVerdict, type Verdict } from '../../src/disputes/verdict-kind.js'
import { voteKind, type Vote } from '../../src/disputes/vote-kind.js'
import type { CID } from '../../src/records/codec.js'
import { verify } from '../../src/records/ed25519.js'
import type { RecordKind } from '../../src/records/kind.js'
import { domainSeparated, encodeRecord, signingMessage, signRecord, type SignedRecord } from '../../src/records/record.js'
import { agreementId } from '../../src/session/agreement.js'
import { commitmentKind, commitmentOf, COMMITMENT_DOMAIN, type Commitment } from '../../src/session/commitment-kind.js'
import { apply, open } from '../../src/session/machine.js'
import { sessionMessageKind, type SessionMessage } from '../../src/session/message-kind.js'
import type { Body, MessageType } from '../../src/session/message-types.js'
import type { Role, SessionState } from '../../src/session/state.js'
import type { Terms } from '../../src/session/terms.js'
import { ALICE, ARBITERS, BOB, MALLORY, vectorKey, type VectorKey } from './keys.js'

/** 2026-01-01T00:00:00Z, the time the other record vectors start at. */
export const T0 = 1_767_225_600_000
export const DAY = 86_400_000
export const HOUR = 3_600_000

export const alice = vectorKey(ALICE)
export const bob = vectorKey(BOB)
export const mallory = vectorKey(MALLORY)
export const arbiters = ARBITERS.map(vectorKey)

const keysByOrg = new Map([alice, bob, mallory, ...arbiters].map((k) => [k.orgId, k]))

/** A session id as a node makes one (16 bytes, base32 lowercase), here from a hash so that it is fixed. */
export function sessionId (name: string): string {
  return base32.baseEncode(createHash('sha256').update(name).digest().subarray(0, 16))
}

export function dealTerms (overrides: Partial<Terms> = {}): Terms {
  return {
    item: 'gpu-hours',
    quantity: 500,
    unit: 'hour',
    unitPrice: { amount: 4000, currency: 'EUR' },
    total: { amount: 2_000_000, currency: 'EUR' },
    deliveryBy: T0 + 7 * DAY,
    paymentBy: T0 + 14 * DAY,
    obligations: [
      { id: 'deliver', obligor: 'responder', what: 'make 500 GPU hours available', dueBy: T0 + 7 * DAY },
      { id: 'pay', obligor: 'initiator', what: 'pay 20,000.00 EUR', dueBy: T0 + 14 * DAY },
      { id: 'support', obligor: 'responder', what: 'answer support tickets for 30 days', dueBy: T0 + 30 * DAY }
    ],
    arbiters: arbiters.map((a) => a.orgId),
    quorum: 2,
    ...overrides
  }
}

export interface Deal {
  messages: Array<SignedRecord<SessionMessage>>
  state: SessionState
  commitment: SignedRecord<Commitment>
  attestation: SignedRecord<Attestation>
  /** The commitment's id: the CID of its agreement. */
  id: CID
}

/**
 * alice asks, bob proposes `terms`, alice accepts, bob and then alice commit: every message goes
 * through the state machine, so the commitment is exactly the one both nodes would store.
 */
export function negotiate (terms: Terms = dealTerms(), session = sessionId('asp-vectors/session-1')): Deal {
  const signers = { initiator: alice, responder: bob }
  const agents = { initiator: 'procurement', responder: 'sales' }
  const messages: Array<SignedRecord<SessionMessage>> = []
  let state: SessionState | undefined
  const send = <K extends MessageType>(from: Role, type: K, body: Body<K>): void => {
    const to: Role = from === 'initiator' ? 'responder' : 'initiator'
    const last = messages[messages.length - 1]
    const message = signRecord(sessionMessageKind, {
      v: 1,
      type,
      session,
      seq: messages.length + 1,
      prev: last?.cid ?? null,
      from: { org: signers[from].orgId, agent: agents[from] },
      to: { org: signers[to].orgId, agent: agents[to] },
      ts: T0 + (messages.length + 1) * 1000,
      body
    }, signers[from])
    state = state === undefined ? open(message.value, message.cid) : apply(state, message.value, message.cid, verify)
    messages.push(message)
  }
  const commitBody = (role: Role): Body<'COMMIT'> => {
    const { bytes, cid } = agreementId(state!.agreement!.value)
    return { agreement: cid, sig: signers[role].sign(domainSeparated(COMMITMENT_DOMAIN, bytes)) }
  }
  send('initiator', 'REQUEST', { capability: 'sell:gpu-hours', description: '500 GPU hours within a week' })
  send('responder', 'PROPOSE', { terms })
  send('initiator', 'ACCEPT', { offer: messages[1]!.cid })
  send('responder', 'COMMIT', commitBody('responder'))
  send('initiator', 'COMMIT', commitBody('initiator'))
  const s = state!
  const commitment = encodeRecord(commitmentKind, commitmentOf(s.agreement!.value, s.agreement!.deal, { initiator: s.commits.initiator!, responder: s.commits.responder! }))
  return { messages, state: s, commitment, attestation: attestationOf(commitment.value), id: commitmentIdOf(commitment.value) }
}

/**
 * Signs `unsigned` with `key` whoever the record names: signRecord refuses a key that is not the
 * named signer, and tests need such forgeries. Without `key`, the org the record names signs.
 */
export function sign<T extends { sig: Uint8Array }> (kind: RecordKind<T>, unsigned: Omit<T, 'sig'>, key?: VectorKey): SignedRecord<T> {
  const named = kind.signatures({ ...unsigned, sig: new Uint8Array(64) } as T)[0]?.signer
  const signer = key ?? keysByOrg.get(named ?? '')
  if (signer === undefined) throw new Error(`no vector key for ${named ?? '?'}`)
  return encodeRecord(kind, { ...unsigned, sig: signer.sign(signingMessage(kind.signingDomain ?? kind.name, unsigned)) } as T)
}

export type Fields<T> = Partial<Omit<T, 'sig'>>

/** bob confirms that alice paid, ten days in. */
export function receipt (deal: Deal, fields: Fields<Receipt> = {}, key?: VectorKey): SignedRecord<Receipt> {
  return sign(receiptKind, { v: 1, commitment: deal.id, obligation: 'pay', obligor: alice.orgId, beneficiary: bob.orgId, outcome: 'met', at: T0 + 10 * DAY, ...fields }, key)
}

/** alice's node opens a dispute about bob's delivery, one hour of grace and ten seconds after it was due. */
export function dispute (deal: Deal, fields: Fields<Dispute> = {}, key?: VectorKey): SignedRecord<Dispute> {
  const last = deal.messages[deal.messages.length - 1]!
  return sign(disputeKind, {
    v: 1,
    commitment: deal.id,
    obligation: 'deliver',
    claimant: alice.orgId,
    respondent: bob.orgId,
    claim: 'missed-deadline',
    evidence: [deal.attestation.cid, deal.commitment.cid, last.cid],
    openedAt: T0 + 7 * DAY + HOUR + 10_000,
    ...fields
  }, key)
}

/** An arbiter's vote on `on`, by default the outcome and rule the rules give with no receipts. */
export function vote (deal: Deal, on: SignedRecord<Dispute>, by: VectorKey, fields: Fields<Vote> = {}, key?: VectorKey): SignedRecord<Vote> {
  const ruling = rule({ attestation: deal.attestation, dispute: on, receipts: [] })
  return sign(voteKind, {
    v: 1,
    dispute: on.cid,
    commitment: on.value.commitment,
    obligation: on.value.obligation,
    outcome: ruling.outcome,
    rule: ruling.rule,
    evidence: ruling.evidence,
    arbiter: by.orgId,
    at: on.value.openedAt + 10 * 60_000 + 5000,
    ...fields
  }, key ?? by)
}

export interface Story extends Deal {
  receiptMet: SignedRecord<Receipt>
  receiptWaived: SignedRecord<Receipt>
  dispute: SignedRecord<Dispute>
  votes: Array<SignedRecord<Vote>>
  verdict: SignedRecord<Verdict>
}

/** The whole story of the vectors. */
export function story (): Story {
  const deal = negotiate()
  const receiptMet = receipt(deal)
  const receiptWaived = receipt(deal, { obligation: 'support', obligor: bob.orgId, beneficiary: alice.orgId, outcome: 'waived', at: T0 + 20 * DAY, note: 'support no longer needed' })
  const missed = dispute(deal)
  const votes = [vote(deal, missed, arbiters[0]!), vote(deal, missed, arbiters[1]!, { at: missed.value.openedAt + 10 * 60_000 + 7000 })]
  return { ...deal, receiptMet, receiptWaived, dispute: missed, votes, verdict: buildVerdict(deal.attestation, missed, votes) }
}
