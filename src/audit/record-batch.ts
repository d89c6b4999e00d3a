// A batch of blocks to check in full (hash against the claimed CID, decode, canonical form, schema,
// signatures), packed into one buffer so that it crosses to a worker thread in a single transfer.
import { isAspError } from '../errors.js'
import { CID, cidMatches, decodeCanonical } from '../records/codec.js'
import { recordKind } from '../records/kinds/index.js'
import { decodeRecord } from '../records/record.js'
import { isFindingCode, type FindingCode } from './findings.js'

export interface RecordBatch {
  kinds: string[]
  /** offsets[i]..offsets[i+1] is record i in `data`; cidOffsets[i]..cidOffsets[i+1] its claimed CID in `cids`. */
  offsets: Uint32Array
  data: Uint8Array
  cidOffsets: Uint32Array
  cids: Uint8Array
}

export interface RecordFailure {
  index: number
  code: FindingCode
  message: string
}

export function packBatch (items: Array<{ kind: string, bytes: Uint8Array, cid: CID }>): RecordBatch {
  // Packed into two fresh buffers: a Uint8Array view posted to a worker would copy the whole buffer
  // behind it (here, the file chunk the CAR reader sliced it from).
  const [offsets, data] = pack(items.map((i) => i.bytes))
  const [cidOffsets, cids] = pack(items.map((i) => i.cid.bytes))
  return { kinds: items.map((i) => i.kind), offsets, data, cidOffsets, cids }
}

function pack (parts: Uint8Array[]): [Uint32Array, Uint8Array] {
  const offsets = new Uint32Array(parts.length + 1)
  let total = 0
  parts.forEach((part, i) => { offsets[i] = total; total += part.length })
  offsets[parts.length] = total
  const data = new Uint8Array(total)
  parts.forEach((part, i) => data.set(part, offsets[i]))
  return [offsets, data]
}

/** Checked as DAG-CBOR only (hash, decode, canonical form): a block of a kind this verifier does not know. */
export const OPAQUE_KIND = ''

export function checkBatch (batch: RecordBatch): RecordFailure[] {
  const failures: RecordFailure[] = []
  for (let i = 0; i < batch.kinds.length; i++) {
    const bytes = batch.data.subarray(batch.offsets[i], batch.offsets[i + 1])
    const claimed = CID.decode(batch.cids.subarray(batch.cidOffsets[i], batch.cidOffsets[i + 1]))
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
