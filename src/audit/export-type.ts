// Which kind of export a file is: a session transcript when its first block is a transcript manifest
// (protocols/session.md, "Transcript export"), else a log export. Only the first block is read; a
// file that cannot be read is left to the log scan, which reports why.
import { createReadStream } from 'node:fs'
import * as dagCbor from '@ipld/dag-cbor'
import { CarBlockIterator } from '@ipld/car/iterator'
import { nestsDeeperThan } from '../records/cbor-splice.js'
import { MAX_NESTING } from '../records/codec.js'
import { TRANSCRIPT_FORMAT } from '../session/transcript-export.js'

export type ExportType = 'log' | 'transcript'

export async function exportType (file: string): Promise<ExportType> {
  const stream = createReadStream(file)
  try {
    const blocks = await CarBlockIterator.fromIterable(stream)
    for await (const { bytes } of blocks) return isManifestShaped(bytes) ? 'transcript' : 'log'
    return 'log'
  } catch {
    return 'log'
  } finally {
    stream.destroy()
  }
}

function isManifestShaped (bytes: Uint8Array): boolean {
  if (nestsDeeperThan(bytes, MAX_NESTING)) return false
  try {
    const value = dagCbor.decode(bytes) as unknown
    return typeof value === 'object' && value !== null && (value as Record<string, unknown>).format === TRANSCRIPT_FORMAT
  } catch {
    return false
  }
}
