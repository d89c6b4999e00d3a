// The records a log holds, in log order, decoded as their kind (signatures were checked when they
// were stored; they are not checked again here).
import type { CID } from '../records/codec.js'
import { recordKind } from '../records/kinds/index.js'
import type { RecordKind } from '../records/kind.js'
import { decodeRecord, type SignedRecord } from '../records/record.js'
import type { Log } from './log.js'

export async function * recordsIn (log: Log, kinds: ReadonlySet<string>): AsyncGenerator<{ kind: string, record: SignedRecord<unknown> }> {
  for await (const entry of log.entries()) {
    const body = entry.value.body as { kind?: string, record?: CID }
    if (entry.value.kind !== 'record' || body.kind === undefined || body.record === undefined || !kinds.has(body.kind)) continue
    const bytes = await log.getBlock(body.record)
    if (bytes === undefined) continue
    yield { kind: body.kind, record: decodeRecord(recordKind(body.kind) as RecordKind<unknown>, bytes, { skipSignatures: true }) }
  }
}
