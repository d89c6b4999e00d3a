// Disputes: claims that an obligation was not met, the arbiters' votes and verdicts. The node opens
// missed-deadline disputes by itself after the grace period; an agent or the operator opens one by
// hand with its evidence.
import { endpoint } from '../endpoint.js'
import { disputeIdParams, disputeList, disputeListQuery, disputeView, openDisputeBody } from './consequence-schemas.js'

export const disputeEndpoints = {
  listDisputes: endpoint({
    id: 'listDisputes', method: 'GET', path: '/v1/disputes', tag: 'disputes', auth: 'agent',
    summary: 'Disputes the caller may see (an agent: those about commitments of its sessions; the operator: all the node holds), newest first.',
    query: disputeListQuery,
    response: disputeList
  }),
  getDispute: endpoint({
    id: 'getDispute', method: 'GET', path: '/v1/disputes/{id}', tag: 'disputes', auth: 'agent',
    summary: 'One dispute with its votes and verdicts.',
    params: disputeIdParams,
    response: disputeView
  }),
  openDispute: endpoint({
    id: 'openDispute', method: 'POST', path: '/v1/disputes', tag: 'disputes', auth: 'agent', status: 201,
    summary: 'Open a dispute about an obligation owed to this org, with evidence CIDs; signed, recorded and gossiped to the arbiters. Opening the same claim again answers the dispute already open.',
    body: openDisputeBody,
    response: disputeView,
    errors: ['CONSEQUENCE_UNKNOWN_COMMITMENT', 'CONSEQUENCE_UNKNOWN_OBLIGATION', 'CONSEQUENCE_NOT_BENEFICIARY', 'CONSEQUENCE_INPUT_INVALID', 'CONSEQUENCE_REFUSED']
  })
}
