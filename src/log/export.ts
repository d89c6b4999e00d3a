// Export a log as a CAR file (CARv1): root = a signed head; then, in seq order, each entry followed by
// the blocks its body links to that have not been written yet (protocols/log.md, "Export").
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CarWriter } from '@ipld/car/writer'
import { LogError } from '../errors.js'
import { linksOf } from '../records/codec.js'
import type { Log } from './log.js'

export interface ExportProgress {
  entries: number
  total: number
}

export interface ExportResult {
  head: { seq: number, cid: string }
  entries: number
  blocks: number
}

export async function exportLog (log: Log, outPath: string, options: { onProgress?: (p: ExportProgress) => void } = {}): Promise<ExportResult> {
  const head = log.signHead()
  const { writer, out } = CarWriter.create([head.cid])
  // Written beside the target and renamed at the end, so a failed export never leaves a file that
  // looks complete.
  const partial = `${outPath}.partial`
  const written = pipeline(Readable.from(out), createWriteStream(partial, { mode: 0o644 }))
  let entries = 0
  let blocks = 0
  try {
    await writer.put({ cid: head.cid, bytes: head.bytes })
    const seen = new Set<string>()
    for await (const entry of log.entries(1, head.value.seq)) {
      await writer.put({ cid: entry.cid, bytes: entry.bytes })
      entries++
      for (const link of linksOf(entry.value.body)) {
        const key = link.toString()
        if (seen.has(key)) continue
        const bytes = await log.getBlock(link)
        if (bytes === undefined) throw new LogError('LOG_CORRUPT', `entry ${entry.value.seq} links to ${key}, which is not stored`)
        await writer.put({ cid: link, bytes })
        seen.add(key)
        blocks++
      }
      if (entries % 1000 === 0) options.onProgress?.({ entries, total: head.value.seq })
    }
    if (entries !== head.value.seq) throw new LogError('LOG_CORRUPT', `the log has ${entries} entries where its head says ${head.value.seq}`)
  } catch (err) {
    await writer.close()
    await written.catch(() => {})
    await rm(partial, { force: true })
    throw err
  }
  await writer.close()
  await written
  await rename(partial, outPath)
  options.onProgress?.({ entries, total: head.value.seq })
  return { head: { seq: head.value.seq, cid: head.cid.toString() }, entries, blocks }
}
