// A batch of records to check in full (decode, canonical form, schema, signatures), packed into one
// buffer so that it crosses to a worker thread in a single transfer.
import { isAspError } from '../errors.js'
import { recordKind } from '../records/kinds/index.js'
import { decodeRecord } from '../records/record.js'
import { isFindingCode, type FindingCode } from './findings.js'

export interface RecordBatch {
  kinds: string[]
  /** offsets[i]..offsets[i+1] is record i in `data`. */
  offsets: Uint32Array
  data: Uint8Array
}

export interface RecordFailure {
  index: number
  code: FindingCode
  message: string
}

export function packBatch (items: Array<{ kind: string, bytes: Uint8Array }>): RecordBatch {
  const offsets = new Uint32Array(items.length + 1)
  let total = 0
  items.forEach((item, i) => { offsets[i] = total; total += item.bytes.length })
  offsets[items.length] = total
  const data = new Uint8Array(total)
  items.forEach((item, i) => data.set(item.bytes, offsets[i]))
  return { kinds: items.map((i) => i.kind), offsets, data }
}

export function checkBatch (batch: RecordBatch): RecordFailure[] {
  const failures: RecordFailure[] = []
  for (let i = 0; i < batch.kinds.length; i++) {
    const bytes = batch.data.subarray(batch.offsets[i], batch.offsets[i + 1])
    try {
      decodeRecord(recordKind(batch.kinds[i] as string), bytes)
    } catch (err) {
      if (!isAspError(err) || !isFindingCode(err.code)) throw err
      failures.push({ index: i, code: err.code, message: err.message })
    }
  }
  return failures
}
