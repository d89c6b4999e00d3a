// Restore a node's log from one of its own exports (a backup), after checking the export in full.
import { createReadStream } from 'node:fs'
import { CarBlockIterator } from '@ipld/car/iterator'
import { LogError } from '../errors.js'
import { verifyExports, type VerifyReport } from '../audit/verify.js'
import { linksOf } from '../records/codec.js'
import { entryKind, type Entry } from '../records/kinds/index.js'
import { decodeRecord, type SignedRecord } from '../records/record.js'
import type { Block, Log } from './log.js'

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

/** The export's entries, each with the blocks that follow it (the layout verifyExports checked). */
async function * groupedEntries (file: string): AsyncGenerator<{ entry: SignedRecord<Entry>, blocks: Block[] }> {
  const blocks = await CarBlockIterator.fromIterable(createReadStream(file))
  const links = new Set<string>()
  let current: { entry: SignedRecord<Entry>, blocks: Block[] } | undefined
  let position = 0
  for await (const { cid, bytes } of blocks) {
    if (position++ === 0) continue
    if (links.has(cid.toString())) {
      current?.blocks.push({ cid, bytes })
      continue
    }
    if (current !== undefined) yield current
    const entry = decodeRecord(entryKind, bytes, { skipSignatures: true })
    current = { entry, blocks: [] }
    for (const link of linksOf(entry.value.body)) links.add(link.toString())
  }
  if (current !== undefined) yield current
}
