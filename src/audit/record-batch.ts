// A batch of blocks to check in full (hash against the claimed CID, decode, canonical form, schema,
// signatures), packed into one buffer so that it crosses to a worker thread in a single transfer.
import { isAspError } from '../errors.js'
import { CID, cidMatches, decodeCanonical } from '../records/codec.js'
import { recordKind } from '../records/kinds/index.js'
import { decodeRecord } from '../records/record.js'
import { isFindingCode, type FindingCode } from './findings.js'

export interface RecordBatch {
  kinds: string[]
  /** offsets[i]..offsets[i+1] is record i in `data`; its claimed CID is cids[i]. */
  offsets: Uint32Array
  data: Uint8Array
  cids: Uint8Array[]
}

export interface RecordFailure {
  index: number
  code: FindingCode
  message: string
}

export function packBatch (items: Array<{ kind: string, bytes: Uint8Array, cid: CID }>): RecordBatch {
  const offsets = new Uint32Array(items.length + 1)
  let total = 0
  items.forEach((item, i) => { offsets[i] = total; total += item.bytes.length })
  offsets[items.length] = total
  const data = new Uint8Array(total)
  items.forEach((item, i) => data.set(item.bytes, offsets[i]))
  return { kinds: items.map((i) => i.kind), offsets, data, cids: items.map((i) => i.cid.bytes) }
}

/** Checked as DAG-CBOR only (hash, decode, canonical form): a block of a kind this verifier does not know. */
export const OPAQUE_KIND = ''

export function checkBatch (batch: RecordBatch): RecordFailure[] {
  const failures: RecordFailure[] = []
  for (let i = 0; i < batch.kinds.length; i++) {
    const bytes = batch.data.subarray(batch.offsets[i], batch.offsets[i + 1])
    const claimed = CID.decode(batch.cids[i] as Uint8Array)
    if (!cidMatches(claimed, bytes)) {
      failures.push({ index: i, code: 'EXPORT_BLOCK_HASH_MISMATCH', message: `block ${claimed.toString()} does not hash to its CID` })
      continue
    }
    try {
      const kind = batch.kinds[i] as string
      if (kind === OPAQUE_KIND) decodeCanonical(bytes)
      else decodeRecord(recordKind(kind), bytes)
    } catch (err) {
      if (!isAspError(err) || !isFindingCode(err.code)) throw err
      failures.push({ index: i, code: err.code, message: err.message })
    }
  }
  return failures
}
