// Reading a log export (CARv1) back: its entries in order, each with the records it links to. Only
// for exports that verifyExports accepted: the layout and every record were checked there.
import { createReadStream } from 'node:fs'
import { CarBlockIterator } from '@ipld/car/iterator'
import { linksOf } from '../records/codec.js'
import { entryKind, type Entry } from '../records/kinds/index.js'
import { decodeRecord, type SignedRecord } from '../records/record.js'
import type { Block } from './log.js'

/** The export's entries, each with the blocks that follow it (the layout verifyExports checked). */
export async function * groupedEntries (file: string): AsyncGenerator<{ entry: SignedRecord<Entry>, blocks: Block[] }> {
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
