// Two organizations negotiating in tests: builds correctly signed session messages on top of a state.
import type { CID } from '../../src/records/codec.js'
import { signRecord, type SignedRecord } from '../../src/records/record.js'
import { domainSeparated } from '../../src/records/record.js'
import { agreementId } from '../../src/session/agreement.js'
import { COMMITMENT_DOMAIN } from '../../src/session/machine.js'
import { sessionMessageKind, type SessionMessage } from '../../src/session/message-kind.js'
import type { Body, MessageType } from '../../src/session/message-types.js'
import type { Role, SessionState } from '../../src/session/state.js'
import type { Terms } from '../../src/session/terms.js'
import { testSigner } from './keys.js'

export const buyer = testSigner('buyer-org')
export const seller = testSigner('seller-org')
export const SESSION_ID = 'aaaaaaaaaaaaaaaaaaaaaaaaaa'

export const signers = { initiator: buyer, responder: seller }

export function terms (overrides: Partial<Terms> = {}): Terms {
  return {
    item: 'gpu-hours',
    quantity: 500,
    unit: 'hour',
    unitPrice: { amount: 4000, currency: 'EUR' },
    total: { amount: 2_000_000, currency: 'EUR' },
    deliveryBy: 1_800_000_000_000,
    paymentBy: 1_800_100_000_000,
    obligations: [
      { id: 'deliver', obligor: 'responder', what: 'make 500 GPU hours available', dueBy: 1_800_000_000_000 },
      { id: 'pay', obligor: 'initiator', what: 'pay 20,000.00 EUR', dueBy: 1_800_100_000_000 }
    ],
    arbiters: [testSigner('arbiter-1').orgId, testSigner('arbiter-2').orgId, testSigner('arbiter-3').orgId],
    quorum: 2,
    ...overrides
  }
}

export interface Draft<K extends MessageType = MessageType> {
  type: K
  from: Role
  body: Body<K>
  replyTo?: CID
  expiresAt?: number
  ts?: number
  agent?: string
}

/** Signs the next message of `state` (or the first one, when state is undefined). */
export function message<K extends MessageType> (state: SessionState | undefined, draft: Draft<K>): SignedRecord<SessionMessage> {
  const speakers = state?.speakers ?? { initiator: 'procurement', responder: 'sales' }
  const to: Role = draft.from === 'initiator' ? 'responder' : 'initiator'
  return signRecord(sessionMessageKind, {
    v: 1,
    type: draft.type,
    session: SESSION_ID,
    seq: (state?.seq ?? 0) + 1,
    prev: state?.head ?? null,
    from: { org: signers[draft.from].orgId, agent: draft.agent ?? speakers[draft.from] },
    to: { org: signers[to].orgId, agent: speakers[to] },
    ts: draft.ts ?? (state?.lastTs ?? 1_700_000_000_000) + 1000,
    ...(draft.replyTo !== undefined ? { replyTo: draft.replyTo } : {}),
    ...(draft.expiresAt !== undefined ? { expiresAt: draft.expiresAt } : {}),
    body: draft.body
  }, signers[draft.from])
}

/** A COMMIT body: the accepted agreement's CID and the party's signature over it. */
export function commitBody (state: SessionState, role: Role): Body<'COMMIT'> {
  const agreement = state.agreement
  if (agreement === null) throw new Error('nothing accepted')
  const { bytes, cid } = agreementId(agreement.value)
  return { agreement: cid, sig: signers[role].sign(domainSeparated(COMMITMENT_DOMAIN, bytes)) }
}
