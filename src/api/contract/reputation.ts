// Reputation as this org sees others: scores computed from the verified records in its own log
// (protocols/reputation.md). The same view ranks discovery.
import { z } from 'zod'
import { orgId } from '../../records/schema-types.js'
import { endpoint } from '../endpoint.js'
import { reputationTable, subjectScoreView } from './consequence-schemas.js'

export const reputationEndpoints = {
  reputationTable: endpoint({
    id: 'reputationTable', method: 'GET', path: '/v1/reputation', tag: 'reputation', auth: 'agent',
    summary: 'This org\'s view: every other org with evidence, best score first.',
    response: reputationTable
  }),
  getReputation: endpoint({
    id: 'getReputation', method: 'GET', path: '/v1/reputation/{org}', tag: 'reputation', auth: 'agent',
    summary: 'One org\'s score in this org\'s view, with its breakdown; an org never seen has a stranger\'s score.',
    params: z.strictObject({ org: orgId.describe('The subject\'s org id (peer id).') }),
    response: subjectScoreView
  })
}
