// Negotiation sessions: open one with another org's agent, send any of the thirteen messages, list,
// read the state, the transcript and the commitment.
import { endpoint } from '../endpoint.js'
import { commitmentView, openSessionBody, outgoingMessage, sessionIdParams, sessionList, sessionListQuery, sessionView, transcriptView } from './session-schemas.js'

const refusals = ['SESSION_NOT_ALLOWED', 'SESSION_OFFER_LIVE', 'SESSION_NO_LIVE_OFFER', 'SESSION_STALE_OFFER', 'SESSION_OWN_OFFER', 'SESSION_OFFER_EXPIRED',
  'SESSION_ALREADY_COMMITTED', 'SESSION_COMMIT_MISMATCH', 'SESSION_UNKNOWN_OBLIGATION', 'SESSION_NOT_BENEFICIARY', 'SESSION_ALREADY_CONFIRMED',
  'SESSION_OBLIGATIONS_OPEN', 'SESSION_BUSY', 'SESSION_AWAITING_APPROVAL', 'SESSION_CONFLICT', 'SESSION_REFUSED', 'SESSION_RATE_LIMITED', 'NET_TIMEOUT', 'NET_UNREACHABLE'] as const

export const sessionEndpoints = {
  openSession: endpoint({
    id: 'openSession', method: 'POST', path: '/v1/sessions', tag: 'sessions', auth: 'agent', status: 201,
    summary: 'Open a session with another org\'s agent by sending its first message; answers once the other node has it.',
    body: openSessionBody,
    response: sessionView,
    errors: refusals
  }),
  listSessions: endpoint({
    id: 'listSessions', method: 'GET', path: '/v1/sessions', tag: 'sessions', auth: 'agent',
    summary: 'Sessions of the caller (an agent: those it speaks in; the operator: all), most recent first.',
    query: sessionListQuery,
    response: sessionList
  }),
  getSession: endpoint({
    id: 'getSession', method: 'GET', path: '/v1/sessions/{id}', tag: 'sessions', auth: 'agent',
    summary: 'A session\'s state: phase, live offer, agreement, commits, who speaks.',
    params: sessionIdParams,
    response: sessionView
  }),
  sendMessage: endpoint({
    id: 'sendMessage', method: 'POST', path: '/v1/sessions/{id}/messages', tag: 'sessions', auth: 'agent', status: 201,
    summary: 'Send the next message of a session; answers with the new state once the other node has recorded it.',
    params: sessionIdParams,
    body: outgoingMessage,
    response: sessionView,
    errors: ['SESSION_WRONG_AGENT', ...refusals]
  }),
  getTranscript: endpoint({
    id: 'getTranscript', method: 'GET', path: '/v1/sessions/{id}/transcript', tag: 'sessions', auth: 'agent',
    summary: 'Every signed message of a session, in order.',
    params: sessionIdParams,
    response: transcriptView
  }),
  getCommitment: endpoint({
    id: 'getCommitment', method: 'GET', path: '/v1/sessions/{id}/commitment', tag: 'sessions', auth: 'agent',
    summary: 'The dual-signed commitment of a committed session.',
    params: sessionIdParams,
    response: commitmentView
  })
}
