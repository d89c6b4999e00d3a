// Checks one exported log (a CAR file) as it streams past: the block-level and chain-level checks run
// here, in order; full record checks (canonical form, schema, signatures) run in the check pool.
import { createReadStream } from 'node:fs'
import * as dagCbor from '@ipld/dag-cbor'
import { CarBlockIterator } from '@ipld/car/iterator'
import { isAspError } from '../errors.js'
import { entryBodies, isKnownEntryKind } from '../log/entry-kinds.js'
import { bytesKey } from '../records/bytes.js'
import { nestsDeeperThan } from '../records/cbor-splice.js'
import { CID, cidMatches, decodeCanonical, isRecordCid, linksOf, MAX_NESTING } from '../records/codec.js'
import { entryKind, headKind, recordKinds, type Entry, type Head } from '../records/kinds/index.js'
import { decodeRecord } from '../records/record.js'
import { sessionMessageKind } from '../session/message-kind.js'
import type { CheckPool } from './check-pool.js'
import { isFindingCode, type Finding, type FindingCode } from './findings.js'
import { OPAQUE_KIND, packBatch } from './record-batch.js'

const BATCH_SIZE = 512

export interface ScanOptions {
  now: number
  maxSkewMs: number
  pool: CheckPool
  onBlocks?: (bytesRead: number, entries: number) => void
  /** Sessions whose messages to note in `sessionMessages` (those of the transcripts being verified). */
  sessions?: ReadonlySet<string>
}

/** A session message a log references: its CID (as keyOf) and the block's position. */
export interface LoggedMessage { key: string, position: number }

export interface ExportScan {
  file: string
  author?: string
  head?: { seq: number, cid: string | null, ts: number }
  entries: number
  /** Referenced records checked in full (their kind is known to this verifier). */
  recordsChecked: number
  /** Referenced records of kinds this verifier does not know: checked as canonical DAG-CBOR only. */
  recordsUnchecked: number
  /** seq → entry CID (as keyOf) and block position, for fork detection across files. */
  chain: Map<number, { key: string, position: number }>
  /** The head's CID, as keyOf. */
  headKey?: string
  /** Session id → seq → the messages of that session the log references (ScanOptions.sessions only). */
  sessionMessages: Map<string, Map<number, LoggedMessage[]>>
  findings: Finding[]
}

class Stop extends Error {}

export async function scanExport (file: string, options: ScanOptions): Promise<ExportScan> {
  const scan: ExportScan = { file, entries: 0, recordsChecked: 0, recordsUnchecked: 0, chain: new Map(), sessionMessages: new Map(), findings: [] }
  const checks: Array<Promise<void>> = []
  let queued: Array<{ kind: string, bytes: Uint8Array, cid: CID, position: number, seq?: number }> = []
  let position = -1
  let bytesRead = 0

  const find = (code: FindingCode, message: string, at: { position?: number, seq?: number } = { position }): void => {
    scan.findings.push({ code, message, file, ...at })
  }
  const stop = (code: FindingCode, message: string, at?: { position?: number, seq?: number }): never => {
    find(code, message, at)
    throw new Stop()
  }
  const flush = async (): Promise<void> => {
    if (queued.length === 0) return
    const items = queued
    queued = []
    await options.pool.ready()
    checks.push(options.pool.check(packBatch(items)).then((failures) => {
      for (const f of failures) {
        const item = items[f.index]
        if (item !== undefined) find(f.code, f.message, { position: item.position, seq: item.seq })
      }
    }))
  }

  async function * counted (): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(file)) {
      bytesRead += (chunk as Buffer).length
      yield chunk as Buffer
    }
  }

  let head: Head | undefined
  let expectedSeq = 1
  let prevCid: CID | null = null
  let lastTs = 0
  let headEntry: { cid: CID, ts: number } | undefined
  // Links of the last entry not yet seen in the file: CID → record kind to check it as (or null).
  const pendingRefs = new Map<string, { kind: string | null, seq: number }>()
  const seenRefs = new Set<string>()
  // After a seq mismatch the scan only looks ahead for the missing entry, to tell a gap from a reordering.
  let mismatch: { position: number, expected: number, found: number, reordered: boolean } | undefined

  try {
    let blocks: CarBlockIterator
    let roots: CID[]
    try {
      blocks = await CarBlockIterator.fromIterable(counted())
      roots = await blocks.getRoots()
    } catch (err) {
      return stop('EXPORT_UNREADABLE', `not a readable CAR file: ${(err as Error).message}`, {})
    }
    if (blocks.version !== 1) stop('EXPORT_UNREADABLE', `exports are CARv1; this file is CARv${blocks.version}`, {})
    if (roots.length !== 1) stop('EXPORT_ROOT_INVALID', `an export has exactly one root, this one has ${roots.length}`, {})
    try {
      for await (const { cid, bytes } of blocks) {
        position++
        if (mismatch !== undefined) {
          if (lightDecodeEntry(bytes)?.seq === mismatch.expected) {
            mismatch.reordered = true
            break
          }
          continue
        }
        if (!isRecordCid(cid)) {
          stop('EXPORT_BLOCK_CID_INVALID', `block ${cid.toString()} is not a CIDv1 of DAG-CBOR with sha2-256`)
        }
        if (position === 0) {
          // Every other block is hashed in the check pool; the head is needed here first.
          if (!cidMatches(cid, bytes)) stop('EXPORT_BLOCK_HASH_MISMATCH', `block ${cid.toString()} does not hash to its CID`)
          if (!cid.equals(roots[0])) stop('EXPORT_ROOT_INVALID', 'the first block is not the root')
          head = decodeFully(headKind, bytes, stop)
          if (head.ts > options.now + options.maxSkewMs) stop('LOG_TS_FUTURE', `the head is dated ${head.ts - options.now} ms in the future`, { position: 0, seq: head.seq })
          scan.author = head.author
          scan.head = { seq: head.seq, cid: head.cid?.toString() ?? null, ts: head.ts }
          if (head.cid !== null) scan.headKey = keyOf(head.cid)
          continue
        }
        if (head === undefined) throw new Stop()

        const key = keyOf(cid)
        const ref = pendingRefs.get(key)
        if (ref !== undefined) {
          pendingRefs.delete(key)
          seenRefs.add(key)
          const known = ref.kind !== null && recordKinds.has(ref.kind)
          // Blocks of unknown kinds are still hashed: they are checked as opaque DAG-CBOR.
          queued.push({ kind: known ? ref.kind as string : OPAQUE_KIND, bytes, cid, position, seq: ref.seq })
          if (known) scan.recordsChecked++
          else scan.recordsUnchecked++
          if (ref.kind === sessionMessageKind.name && options.sessions !== undefined && options.sessions.size > 0) noteMessage(scan, options.sessions, bytes, key, position)
          continue
        }
        if (pendingRefs.size > 0) {
          const [missing, owner] = pendingRefs.entries().next().value as [string, { seq: number }]
          stop('LOG_REF_MISSING', `entry ${owner.seq} links to ${cidOfKey(missing)}, which is not in the export`, { position, seq: owner.seq })
        }

        const entry = lightDecodeEntry(bytes)
        if (entry === undefined) {
          // The checks a verifier runs first, in their order, before saying why this is no entry.
          const at = { position, seq: expectedSeq }
          if (!cidMatches(cid, bytes)) stop('EXPORT_BLOCK_HASH_MISMATCH', `block ${cid.toString()} does not hash to its CID`, at)
          if (bytes.length > entryKind.maxBytes) stop('RECORD_TOO_LARGE', `block ${cid.toString()} is ${bytes.length} bytes, over the entry limit ${entryKind.maxBytes}`, at)
          stop(decodeFailure(bytes) ?? 'RECORD_SCHEMA_INVALID', `block ${cid.toString()} is not the entry expected at seq ${expectedSeq}`, at)
        }
        const e = entry as Entry
        const at = { position, seq: e.seq }
        // Queued before the chain checks: a verifier reports a bad signature ahead of what it breaks.
        queued.push({ kind: entryKind.name, bytes, cid, position, seq: e.seq })
        if (e.author !== head.author) stop('LOG_AUTHOR_MISMATCH', `entry ${e.seq} is by ${e.author}, the head by ${head.author}`, at)
        if (e.seq > head.seq) stop('LOG_ENTRY_AFTER_HEAD', `entry ${e.seq} is past the head (seq ${head.seq})`, at)
        if (e.seq !== expectedSeq) {
          mismatch = { position, expected: expectedSeq, found: e.seq, reordered: false }
          continue
        }
        const prevOk = e.prev === null ? prevCid === null : prevCid !== null && e.prev.equals(prevCid)
        if (!prevOk) stop('LOG_PREV_MISMATCH', `entry ${e.seq} does not link to the entry before it`, at)
        if (e.ts < lastTs) stop('LOG_TS_ORDER', `entry ${e.seq} is dated before entry ${e.seq - 1}`, at)
        if (e.ts > options.now + options.maxSkewMs) stop('LOG_TS_FUTURE', `entry ${e.seq} is dated ${e.ts - options.now} ms in the future`, at)
        if (isKnownEntryKind(e.kind)) {
          const body = entryBodies[e.kind].safeParse(e.body)
          if (!body.success) stop('LOG_BODY_INVALID', `entry ${e.seq} (${e.kind}): ${body.error.issues[0]?.message ?? 'invalid body'}`, at)
        }
        const recordLink = e.kind === 'record' ? (e.body as { kind: string, record: CID }) : undefined
        for (const link of linksOf(e.body)) {
          const linkKey = keyOf(link)
          if (seenRefs.has(linkKey) || pendingRefs.has(linkKey)) continue
          pendingRefs.set(linkKey, { kind: recordLink?.record.equals(link) === true ? recordLink.kind : null, seq: e.seq })
        }
        scan.chain.set(e.seq, { key, position })
        scan.entries++
        prevCid = cid
        lastTs = e.ts
        expectedSeq++
        if (e.seq === head.seq) headEntry = { cid, ts: e.ts }
        if (queued.length >= BATCH_SIZE) await flush()
        if (position % 2048 === 0) options.onBlocks?.(bytesRead, scan.entries)
      }
    } catch (err) {
      if (err instanceof Stop) throw err
      stop('EXPORT_UNREADABLE', `the file breaks off or is malformed after block ${position}: ${(err as Error).message}`, { position: position + 1 })
    }
    if (mismatch !== undefined) {
      const { position: at, expected, found, reordered } = mismatch
      if (reordered) stop('LOG_SEQ_ORDER', `entry ${found} stands where entry ${expected} belongs; ${expected} comes later`, { position: at, seq: expected })
      stop('LOG_SEQ_GAP', `expected entry ${expected}, found entry ${found}; entry ${expected} is missing`, { position: at, seq: expected })
    }
    if (head === undefined) stop('EXPORT_ROOT_INVALID', 'the export holds no blocks', {})
    const h = head as Head
    if (pendingRefs.size > 0) {
      const [missing, owner] = pendingRefs.entries().next().value as [string, { seq: number }]
      stop('LOG_REF_MISSING', `entry ${owner.seq} links to ${cidOfKey(missing)}, which is not in the export`, { position: position + 1, seq: owner.seq })
    }
    if (scan.entries < h.seq) stop('LOG_TRUNCATED', `the head says ${h.seq} entries, the export holds ${scan.entries}`, { position: position + 1, seq: scan.entries + 1 })
    const named = h.cid?.toString()
    if (headEntry !== undefined && named !== headEntry.cid.toString()) {
      stop('LOG_HEAD_MISMATCH', `the head names ${named} at seq ${h.seq}, the export holds ${headEntry.cid.toString()}`, { position: 0, seq: h.seq })
    }
    if (headEntry !== undefined && h.ts < headEntry.ts) stop('LOG_TS_ORDER', `the head is dated before entry ${h.seq}`, { position: 0, seq: h.seq })
  } catch (err) {
    if (!(err instanceof Stop)) throw err
  } finally {
    await flush().catch(() => {})
    await Promise.all(checks)
    // Only entries that passed every check are claims of the author's: a fork needs two signed entries.
    const failed = new Set(scan.findings.map((f) => f.position))
    for (const [seq, claim] of scan.chain) if (failed.has(claim.position)) scan.chain.delete(seq)
    // Likewise a session message the log references counts only if its block passed its checks.
    for (const bySeq of scan.sessionMessages.values()) {
      for (const [seq, held] of bySeq) {
        const passed = held.filter((m) => !failed.has(m.position))
        if (passed.length === 0) bySeq.delete(seq)
        else bySeq.set(seq, passed)
      }
    }
    options.onBlocks?.(bytesRead, scan.entries)
  }
  return scan
}

/** A cheap map key for a CID: its bytes as a latin1 string (base32 encoding costs more than the hash). */
export function keyOf (cid: CID): string {
  return bytesKey(cid.bytes)
}

export function cidOfKey (key: string): string {
  return CID.decode(Buffer.from(key, 'latin1')).toString()
}

function decodeFully<T> (kind: Parameters<typeof decodeRecord<T>>[0], bytes: Uint8Array, stop: (code: FindingCode, message: string) => never): T {
  try {
    return decodeRecord(kind, bytes).value
  } catch (err) {
    if (isAspError(err) && isFindingCode(err.code)) stop(err.code, `${kind.name}: ${err.message}`)
    throw err
  }
}

/**
 * Structure only, for navigation: the fields the chain checks read, with their types. The full
 * schema (and canonical form, and signature) is checked in the pool.
 */
function lightDecodeEntry (bytes: Uint8Array): Entry | undefined {
  if (bytes.length > entryKind.maxBytes || nestsDeeperThan(bytes, MAX_NESTING)) return undefined
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const e = value as Record<string, unknown>
  const ok = e.v === 1 && typeof e.author === 'string' && typeof e.kind === 'string' &&
    Number.isSafeInteger(e.seq) && (e.seq as number) >= 1 && Number.isSafeInteger(e.ts) &&
    (e.prev === null || CID.asCID(e.prev) !== null) && e.sig instanceof Uint8Array && 'body' in e
  return ok ? value as Entry : undefined
}

/** Notes a referenced session message of one of `sessions` (structure only: its block check runs in the pool). */
function noteMessage (scan: ExportScan, sessions: ReadonlySet<string>, bytes: Uint8Array, key: string, position: number): void {
  if (bytes.length > sessionMessageKind.maxBytes || nestsDeeperThan(bytes, MAX_NESTING)) return
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch {
    return
  }
  const m = value as { session?: unknown, seq?: unknown } | null
  if (typeof m !== 'object' || m === null || typeof m.session !== 'string' || !sessions.has(m.session) || !Number.isSafeInteger(m.seq)) return
  let bySeq = scan.sessionMessages.get(m.session)
  if (bySeq === undefined) scan.sessionMessages.set(m.session, bySeq = new Map())
  bySeq.set(m.seq as number, [...(bySeq.get(m.seq as number) ?? []), { key, position }])
}

/** Why the bytes do not decode canonically (RECORD_DECODE_FAILED or RECORD_NOT_CANONICAL), if they do not. */
function decodeFailure (bytes: Uint8Array): FindingCode | undefined {
  try {
    decodeCanonical(bytes)
    return undefined
  } catch (err) {
    return isAspError(err) && isFindingCode(err.code) ? err.code : 'RECORD_DECODE_FAILED'
  }
}
