// Commitments: the deals this org signed (and, for the operator, those it only observes, e.g. as
// arbiter), where each obligation stands, and the two things the beneficiary's side does: confirm
// an obligation was met (a CONFIRM on the session, then a gossiped receipt) or waive it.
import { endpoint } from '../endpoint.js'
import { commitmentDetail, commitmentIdParams, commitmentList, commitmentListQuery, confirmBody, receiptView, waiveBody } from './consequence-schemas.js'

export const commitmentEndpoints = {
  listCommitments: endpoint({
    id: 'listCommitments', method: 'GET', path: '/v1/commitments', tag: 'commitments', auth: 'agent',
    summary: 'Commitments the caller may see (an agent: those of its sessions; the operator: every one the node holds), newest first.',
    query: commitmentListQuery,
    response: commitmentList
  }),
  readCommitment: endpoint({
    id: 'readCommitment', method: 'GET', path: '/v1/commitments/{id}', tag: 'commitments', auth: 'agent',
    summary: 'One commitment: parties, obligations and where each stands, and on a party\'s node the private deal terms.',
    params: commitmentIdParams,
    response: commitmentDetail
  }),
  confirmObligation: endpoint({
    id: 'confirmObligation', method: 'POST', path: '/v1/commitments/{id}/confirm', tag: 'commitments', auth: 'agent',
    summary: 'Confirm that an obligation owed to this org was met: sends CONFIRM on the commitment\'s session; the node then signs and gossips the receipt.',
    description: 'Sends CONFIRM on the commitment\'s session as this org\'s current speaker (an agent token must be that speaker), then answers with the commitment once the receipt is recorded (or, if that takes more than a few seconds, as it stands; an obligation.confirmed event follows).',
    params: commitmentIdParams,
    body: confirmBody,
    response: commitmentDetail,
    errors: ['SESSION_WRONG_AGENT', 'SESSION_NOT_BENEFICIARY', 'SESSION_ALREADY_CONFIRMED', 'SESSION_UNKNOWN_OBLIGATION', 'SESSION_NOT_ALLOWED', 'SESSION_BUSY', 'SESSION_CONFLICT', 'API_NOT_PARTY', 'NET_TIMEOUT', 'NET_UNREACHABLE']
  }),
  waiveObligation: endpoint({
    id: 'waiveObligation', method: 'POST', path: '/v1/commitments/{id}/waive', tag: 'commitments', auth: 'agent', status: 201,
    summary: 'Release the obligor of an obligation owed to this org: a signed waiver, gossiped; it clears the obligation as a receipt does.',
    params: commitmentIdParams,
    body: waiveBody,
    response: receiptView,
    errors: ['CONSEQUENCE_UNKNOWN_OBLIGATION', 'CONSEQUENCE_NOT_BENEFICIARY', 'CONSEQUENCE_REFUSED']
  })
}
