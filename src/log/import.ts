// Restore a node's log from one of its own exports (a backup), after checking the export in full.
import { LogError } from '../errors.js'
import { verifyExports, type VerifyReport } from '../audit/verify.js'
import type { Log } from './log.js'
import { groupedEntries } from './export-reader.js'

export async function importExport (file: string, log: Log, options: { now?: number } = {}): Promise<{ seq: number, report: VerifyReport }> {
  const report = await verifyExports([file], { now: options.now })
  if (!report.ok) {
    const first = report.first
    throw new LogError('LOG_CORRUPT', `the export does not verify: ${first?.code ?? ''} ${first?.message ?? ''}`, { finding: first })
  }
  const exported = report.files[0]
  const author = exported?.type === 'log' ? exported.author : null
  if (author !== log.author) {
    throw new LogError('LOG_AUTHOR_MISMATCH', `the export belongs to ${author ?? 'nobody'}, this node is ${log.author}`)
  }
  const seq = await log.restore(groupedEntries(file))
  return { seq, report }
}
