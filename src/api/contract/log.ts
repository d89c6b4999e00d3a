// The node's signed log, for the operator: its head, its entries page by page, and a CAR export
// that `asp verify` checks offline.
import { z } from 'zod'
import { orgId, timestamp } from '../../records/schema-types.js'
import { endpoint } from '../endpoint.js'
import { base64Json, cidJson } from '../json.js'

export const logEndpoints = {
  logHead: endpoint({
    id: 'logHead', method: 'GET', path: '/v1/log/head', tag: 'log', auth: 'operator',
    summary: 'The log\'s head, signed by the org key.',
    response: z.object({
      org: orgId,
      seq: z.number().int(),
      cid: cidJson.nullable().describe('CID of the last entry.'),
      ts: timestamp,
      signed: z.object({ cid: cidJson, record: base64Json.describe('The signed head record (DAG-CBOR).') })
    })
  }),
  logEntries: endpoint({
    id: 'logEntries', method: 'GET', path: '/v1/log/entries', tag: 'log', auth: 'operator',
    summary: 'Entries from a seq on, oldest first; follow `next` for the following page.',
    query: z.strictObject({
      from: z.coerce.number().int().min(1).default(1),
      limit: z.coerce.number().int().min(1).max(1000).default(100)
    }),
    response: z.object({
      entries: z.array(z.object({
        seq: z.number().int(),
        cid: cidJson,
        prev: cidJson.nullable(),
        ts: timestamp,
        kind: z.string(),
        body: z.unknown().describe('The entry body, CIDs as strings.')
      })),
      next: z.number().int().nullable().describe('The `from` of the next page; null at the head.')
    })
  }),
  logExport: endpoint({
    id: 'logExport', method: 'GET', path: '/v1/log/export', tag: 'log', auth: 'operator',
    summary: 'The whole log as a CAR file (protocols/log.md, "Export"); check it with `asp verify`.',
    produces: 'application/vnd.ipld.car',
    response: z.string().describe('CARv1 bytes: root = the signed head, then each entry and the blocks it links to.')
  })
}
