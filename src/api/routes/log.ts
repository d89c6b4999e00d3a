// Handlers of the log's endpoints (operator): head, entries by page, and the CAR export.
import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportLog } from '../../log/export.js'
import type { ApiContext } from '../context.js'
import { logEndpoints as e } from '../contract/log.js'
import { toJson } from '../json.js'
import { RAW, route, type Route } from '../route.js'

export function logRoutes (ctx: ApiContext): Route[] {
  const { node } = ctx
  return [
    route(e.logHead, async () => {
      const signed = node.log.signHead()
      const head = node.log.head()
      return {
        org: node.key.orgId,
        seq: head.seq,
        cid: head.cid?.toString() ?? null,
        ts: head.ts,
        signed: { cid: signed.cid.toString(), record: Buffer.from(signed.bytes).toString('base64') }
      }
    }),
    route(e.logEntries, async ({ query }) => {
      const to = Math.min(node.log.head().seq, query.from + query.limit - 1)
      const entries = []
      for await (const entry of node.log.entries(query.from, to)) {
        const { seq, prev, ts, kind, body } = entry.value
        entries.push({ seq, cid: entry.cid.toString(), prev: prev?.toString() ?? null, ts, kind, body: toJson(body) })
      }
      return { entries, next: to < node.log.head().seq ? to + 1 : null }
    }),
    route(e.logExport, async ({ reply }) => {
      // The exporter writes a file (and renames it only once complete); it is streamed, then removed.
      const dir = await mkdtemp(join(tmpdir(), 'asp-export-'))
      const file = join(dir, 'log.car')
      try {
        await exportLog(node.log, file)
      } catch (err) {
        await rm(dir, { recursive: true, force: true })
        throw err
      }
      const stream = createReadStream(file)
      stream.once('close', () => { void rm(dir, { recursive: true, force: true }) })
      await reply.type('application/vnd.ipld.car').header('content-disposition', `attachment; filename="${node.key.orgId}.car"`).send(stream)
      return RAW
    })
  ]
}
