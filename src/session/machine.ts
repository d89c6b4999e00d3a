// The pure state machine of a session: apply(state, message) gives the next state or a typed
// refusal, and never changes the state it was given. Both parties run it over the same signed
// messages, so both always hold the same state. Signatures of the message itself are checked by the
// records layer before; the COMMIT signature over the agreement is checked here, through `verify`.
import { AspError } from '../errors.js'
import type { CID } from '../records/codec.js'
import { publicKeyOfOrg } from '../records/org-id.js'
import { agreementFor, agreementId, type DealTerms } from './agreement.js'
import { commitSigningMessage, COMMITMENT_DOMAIN } from './commitment-kind.js'
import type { Party, SessionMessage } from './message-kind.js'
import type { Body, MessageType } from './message-types.js'
import { other, type Role, type SessionState } from './state.js'
import { TABLE } from './table.js'

export type SessionErrorCode =
  | 'SESSION_WRONG_SESSION' | 'SESSION_SEQ' | 'SESSION_PREV' | 'SESSION_TS'
  | 'SESSION_WRONG_PARTY' | 'SESSION_WRONG_AGENT' | 'SESSION_NOT_ALLOWED' | 'SESSION_FIRST_MESSAGE'
  | 'SESSION_OFFER_LIVE' | 'SESSION_NO_LIVE_OFFER' | 'SESSION_STALE_OFFER' | 'SESSION_OWN_OFFER' | 'SESSION_OFFER_EXPIRED'
  | 'SESSION_ALREADY_COMMITTED' | 'SESSION_COMMIT_MISMATCH' | 'SESSION_COMMIT_SIGNATURE'
  | 'SESSION_UNKNOWN_OBLIGATION' | 'SESSION_NOT_BENEFICIARY' | 'SESSION_ALREADY_CONFIRMED' | 'SESSION_OBLIGATIONS_OPEN'
  // Delivery (manager.ts), not the machine:
  | 'SESSION_WRONG_PEER' | 'SESSION_CONFLICT' | 'SESSION_BUSY' | 'SESSION_AWAITING_APPROVAL' | 'SESSION_LIMIT' | 'SESSION_REFUSED' | 'SESSION_RATE_LIMITED'

export class SessionError extends AspError<SessionErrorCode> {
  override name = 'SessionError'
}

export type VerifyFn = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean

export { COMMITMENT_DOMAIN }

const refuse = (code: SessionErrorCode, message: string): never => { throw new SessionError(code, message) }

/** The state after the first message of a session, which must be a REQUEST, QUERY, INFORM or PROPOSE by the initiator. */
export function open (message: SessionMessage, cid: CID): SessionState {
  if (message.seq !== 1 || message.prev !== null) refuse('SESSION_SEQ', 'a session starts at seq 1')
  if (!['REQUEST', 'QUERY', 'INFORM', 'PROPOSE'].includes(message.type)) refuse('SESSION_FIRST_MESSAGE', `a session cannot start with ${message.type}`)
  const initiator: Party = message.from
  const responder: Party = message.to
  const state: SessionState = {
    id: message.session,
    parties: { initiator, responder },
    speakers: { initiator: initiator.agent, responder: responder.agent },
    phase: 'negotiating',
    seq: 0,
    head: cid,
    lastTs: 0,
    liveOffer: null,
    agreement: null,
    commits: {},
    confirmed: [],
    disputed: [],
    waitingOn: null
  }
  return effect(state, message, cid, 'initiator', (next) => {
    if (message.type === 'PROPOSE') rules.PROPOSE(next, message as never, 'initiator', () => false)
  })
}

export function apply (state: SessionState, message: SessionMessage, cid: CID, verify: VerifyFn): SessionState {
  if (message.session !== state.id) refuse('SESSION_WRONG_SESSION', `message of session ${message.session} in session ${state.id}`)
  if (message.seq !== state.seq + 1) refuse('SESSION_SEQ', `expected seq ${state.seq + 1}, got ${message.seq}`)
  if (message.prev === null || !message.prev.equals(state.head)) refuse('SESSION_PREV', 'prev is not the session\'s last message')
  if (message.ts < state.lastTs) refuse('SESSION_TS', 'dated before the previous message')
  const role = roleOf(state, message.from)
  if (message.to.org !== state.parties[other(role)].org) refuse('SESSION_WRONG_PARTY', 'addressed to an org outside the session')
  if (message.from.agent !== state.speakers[role]) refuse('SESSION_WRONG_AGENT', `${message.from.agent} does not speak for the ${role} (${state.speakers[role]} does)`)
  if (TABLE[state.phase][message.type] === undefined) refuse('SESSION_NOT_ALLOWED', `${message.type} is not allowed when the session is ${state.phase}`)
  return effect(state, message, cid, role, (next) => rules[message.type](next, message as never, role, verify))
}

function roleOf (state: SessionState, from: Party): Role {
  if (from.org === state.parties.initiator.org) return 'initiator'
  if (from.org === state.parties.responder.org) return 'responder'
  return refuse('SESSION_WRONG_PARTY', `${from.org} is not a party to this session`)
}

/** Copies the state, advances the chain, and applies the type's own rule to the copy. */
function effect (state: SessionState, message: SessionMessage, cid: CID, role: Role, rule: (next: SessionState) => void): SessionState {
  const next: SessionState = {
    ...state,
    parties: { ...state.parties },
    speakers: { ...state.speakers },
    commits: { ...state.commits },
    confirmed: [...state.confirmed],
    disputed: [...state.disputed],
    seq: message.seq,
    head: cid,
    lastTs: message.ts,
    waitingOn: state.waitingOn === role ? null : state.waitingOn
  }
  rule(next)
  return next
}

type Rule<K extends MessageType> = (next: SessionState, message: SessionMessage & { body: Body<K> }, role: Role, verify: VerifyFn) => void

const offer = (next: SessionState, message: SessionMessage & { body: Body<'PROPOSE' | 'COUNTER'> }, role: Role, cid: CID): void => {
  next.liveOffer = { cid, by: role, terms: message.body.terms, ...(message.expiresAt !== undefined ? { expiresAt: message.expiresAt } : {}) }
}

const rules: { [K in MessageType]: Rule<K> } = {
  REQUEST: () => refuse('SESSION_NOT_ALLOWED', 'REQUEST only opens a session'),
  QUERY: () => {},
  INFORM: () => {},
  PROPOSE: (next, message, role) => {
    if (next.liveOffer !== null && next.liveOffer.by !== role) refuse('SESSION_OFFER_LIVE', 'the other side\'s offer is live: COUNTER, ACCEPT or REJECT it')
    offer(next, message, role, next.head)
  },
  COUNTER: (next, message, role) => {
    const live = next.liveOffer
    if (live === null || live.by === role) refuse('SESSION_NO_LIVE_OFFER', 'there is no offer of the other side to counter')
    if (message.replyTo === undefined || !message.replyTo.equals((live as { cid: CID }).cid)) refuse('SESSION_STALE_OFFER', 'replyTo must name the live offer')
    offer(next, message, role, next.head)
  },
  ACCEPT: (next, message, role) => {
    const live = next.liveOffer
    if (live === null) return refuse('SESSION_NO_LIVE_OFFER', 'there is no live offer to accept')
    if (!message.body.offer.equals(live.cid)) refuse('SESSION_STALE_OFFER', 'ACCEPT must name the live offer')
    if (live.by === role) refuse('SESSION_OWN_OFFER', 'an offer is accepted by the side it was made to')
    if (live.expiresAt !== undefined && message.ts > live.expiresAt) refuse('SESSION_OFFER_EXPIRED', 'the offer expired before it was accepted')
    const deal: DealTerms = { v: 1, session: next.id, offer: live.cid, terms: live.terms }
    const value = agreementFor(deal, { initiator: next.parties.initiator.org, responder: next.parties.responder.org }, message.ts)
    next.agreement = { value, cid: agreementId(value).cid, deal }
    next.liveOffer = null
    next.phase = 'accepted'
  },
  REJECT: (next) => {
    next.liveOffer = null
    next.phase = 'rejected'
  },
  CANCEL: (next) => {
    next.liveOffer = null
    next.phase = 'cancelled'
  },
  COMMIT: (next, message, role, verify) => {
    const agreement = next.agreement
    if (agreement === null) return refuse('SESSION_NOT_ALLOWED', 'nothing has been accepted')
    if (next.commits[role] !== undefined) refuse('SESSION_ALREADY_COMMITTED', `the ${role} has committed already`)
    if (!message.body.agreement.equals(agreement.cid)) refuse('SESSION_COMMIT_MISMATCH', 'the COMMIT names other terms than the accepted ones')
    if (!verify(publicKeyOfOrg(message.from.org), commitSigningMessage(agreement.value), message.body.sig)) refuse('SESSION_COMMIT_SIGNATURE', 'the COMMIT signature does not verify over the agreement')
    next.commits[role] = message.body.sig
    if (next.commits.initiator !== undefined && next.commits.responder !== undefined) next.phase = 'committed'
  },
  CONFIRM: (next, message, role) => {
    const obligation = next.agreement?.value.obligations.find((o) => o.id === message.body.obligation)
    if (obligation === undefined) return refuse('SESSION_UNKNOWN_OBLIGATION', `no obligation ${message.body.obligation}`)
    if (obligation.beneficiary !== next.parties[role].org) refuse('SESSION_NOT_BENEFICIARY', 'only the beneficiary confirms an obligation')
    if (next.confirmed.includes(obligation.id)) refuse('SESSION_ALREADY_CONFIRMED', `${obligation.id} is confirmed already`)
    next.confirmed.push(obligation.id)
    if (next.agreement?.value.obligations.every((o) => next.confirmed.includes(o.id)) === true) next.phase = 'fulfilled'
  },
  ESCALATE: (next, _message, role) => {
    next.waitingOn = role
  },
  DELEGATE: (next, message, role) => {
    next.speakers[role] = message.body.agent
  },
  CLOSE: (next) => {
    if (next.phase === 'committed') {
      const open = next.agreement?.value.obligations.filter((o) => !next.confirmed.includes(o.id) && !next.disputed.includes(o.id)) ?? []
      if (open.length > 0) refuse('SESSION_OBLIGATIONS_OPEN', `obligations still open: ${open.map((o) => o.id).join(', ')}`)
    }
    next.phase = 'closed'
  }
}
