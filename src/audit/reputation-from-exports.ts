// An auditor's recomputation of reputation: the scores an observer gives, from the public records in
// verified log exports, at a given time. The same records give the same scores as the observer's
// own node computes (protocols/reputation.md), so a node's claims about reputation can be checked.
import { AspError } from '../errors.js'
import { PUBLIC_KINDS } from '../gossip/public-records.js'
import { groupedEntries } from '../log/export-reader.js'
import type { CID } from '../records/codec.js'
import { recordKind } from '../records/kinds/index.js'
import type { RecordKind } from '../records/kind.js'
import { decodeRecord } from '../records/record.js'
import { ManualClock } from '../clock.js'
import { NodeReputation } from '../reputation/node-view.js'
import type { ReputationParams } from '../reputation/params.js'
import { verifyExports } from './verify.js'

export class AuditError extends AspError<'AUDIT_EXPORTS_INVALID'> {
  override name = 'AuditError'
}

export interface Recomputed {
  reputation: NodeReputation
  /** Distinct public records read, and those that gave no evidence or could not be placed. */
  records: number
  leftOut: Array<{ kind: string, cid: string, reason: string }>
}

/** Verifies every export first; refuses to score from exports that do not verify. */
export async function reputationFromExports (files: string[], observer: string, at: number, params: Partial<ReputationParams> = {}): Promise<Recomputed> {
  const report = await verifyExports(files, { now: at })
  if (!report.ok) throw new AuditError('AUDIT_EXPORTS_INVALID', `the exports do not verify: ${report.first?.code ?? ''} ${report.first?.message ?? ''}`, { finding: report.first })
  const reputation = new NodeReputation(observer, params, new ManualClock(at))
  const seen = new Set<string>()
  const leftOut: Recomputed['leftOut'] = []
  const publicKinds = new Set<string>(PUBLIC_KINDS)
  for (const file of files) {
    if (report.files.find((f) => f.file === file)?.type !== 'log') continue
    for await (const { entry, blocks } of groupedEntries(file)) {
      const body = entry.value.body as { kind?: string, record?: CID }
      if (entry.value.kind !== 'record' || body.kind === undefined || body.record === undefined || !publicKinds.has(body.kind)) continue
      const key = body.record.toString()
      const bytes = blocks.find((b) => b.cid.toString() === key)?.bytes
      if (bytes === undefined || seen.has(key)) continue
      seen.add(key)
      // verifyExports checked every signature; the kind's decode still checks its shape.
      const record = decodeRecord(recordKind(body.kind) as RecordKind<unknown>, bytes, { skipSignatures: true })
      try {
        reputation.add(body.kind, record)
      } catch (err) {
        leftOut.push({ kind: body.kind, cid: key, reason: (err as Error).message })
      }
    }
  }
  return { reputation, records: seen.size, leftOut }
}
