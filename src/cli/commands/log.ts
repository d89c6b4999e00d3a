import { openDataDirLog } from '../../datadir.js'
import { exportLog } from '../../log/export.js'
import { importExport } from '../../log/import.js'
import { parse, requireString, UsageError } from '../args.js'
import { progressLine } from '../progress.js'

const usage = `usage: asp log <command> --data-dir DIR ...

  asp log export --data-dir DIR --out FILE   write the log to a CAR file that "asp verify" checks
  asp log import --data-dir DIR FILE         restore the log of an empty data dir from its own export
  asp log head --data-dir DIR [--json]       print the log's head (seq, CID, time)
  asp log note --data-dir DIR TEXT           append an operator's note to the log`

const options = { 'data-dir': { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } } as const

export async function run (argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  const { values, positionals } = parse(rest, options, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  switch (sub) {
    case 'export': {
      const out = requireString(values, 'out', usage)
      const { log } = await openDataDirLog(dataDir)
      const progress = progressLine()
      try {
        const result = await exportLog(log, out, { onProgress: (p) => progress.update(`exporting: ${p.entries} of ${p.total} entries`) })
        progress.done()
        console.log(`exported ${result.entries} entries and ${result.blocks} records to ${out} (head seq ${result.head.seq}, ${result.head.cid})`)
      } finally {
        await log.close()
      }
      return 0
    }
    case 'import': {
      const file = positionals[0]
      if (file === undefined) throw new UsageError(`name the export to import\n\n${usage}`)
      const { log } = await openDataDirLog(dataDir)
      try {
        const { seq } = await importExport(file, log)
        console.log(`restored ${seq} ${seq === 1 ? 'entry' : 'entries'} from ${file}`)
      } finally {
        await log.close()
      }
      return 0
    }
    case 'head': {
      const { log, key } = await openDataDirLog(dataDir)
      try {
        const head = log.head()
        const view = { author: key.orgId, seq: head.seq, cid: head.cid?.toString() ?? null, ts: head.ts, time: head.ts > 0 ? new Date(head.ts).toISOString() : null }
        console.log(values.json === true ? JSON.stringify(view, null, 2) : `${view.author} seq ${view.seq} ${view.cid ?? '(empty)'} ${view.time ?? ''}`)
      } finally {
        await log.close()
      }
      return 0
    }
    case 'note': {
      const text = positionals.join(' ')
      if (text.length === 0) throw new UsageError(`give the note's text\n\n${usage}`)
      const { log } = await openDataDirLog(dataDir)
      try {
        const entry = await log.append('note', { text })
        console.log(`appended entry ${entry.value.seq} (${entry.cid.toString()})`)
      } finally {
        await log.close()
      }
      return 0
    }
    default:
      throw new UsageError(usage)
  }
}
