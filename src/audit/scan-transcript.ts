// Checks one session transcript export (protocols/session.md, "Transcript export"): the CAR and its
// manifest, every message as a signed record, the session's chain, the state machine replayed from
// the first message with real signature checks, and the commitment against the COMMITs. A
// transcript is small: it is read and checked in this thread, in file order, and the first problem
// ends the scan.
import { createReadStream } from 'node:fs'
import { CarBlockIterator } from '@ipld/car/iterator'
import { isAspError } from '../errors.js'
import { CID, cidMatches, decodeCanonical, isRecordCid } from '../records/codec.js'
import { verify } from '../records/ed25519.js'
import { decodeRecord, type SignedRecord } from '../records/record.js'
import { commitmentKind } from '../session/commitment-kind.js'
import { apply, open } from '../session/machine.js'
import { sessionMessageKind, type SessionMessage } from '../session/message-kind.js'
import type { SessionState } from '../session/state.js'
import { commitmentProblem, isCommitted } from '../session/transcript-commitment.js'
import { MANIFEST_MAX_BYTES, transcriptManifestSchema, type TranscriptManifest } from '../session/transcript-export.js'
import { isFindingCode, type Finding, type FindingCode } from './findings.js'
import { keyOf } from './scan-export.js'

export interface TranscriptScan {
  file: string
  manifest?: TranscriptManifest
  /** The state after the last message that passed every check. */
  state?: SessionState
  /** The messages that passed every check, in order: seq, CID (as keyOf) and block position. */
  messages: Array<{ seq: number, key: string, position: number }>
  /** The commitment's CID, once it passed every check. */
  commitment?: string
  findings: Finding[]
}

export interface TranscriptScanOptions {
  now: number
  maxSkewMs: number
}

class Stop extends Error {}

export async function scanTranscript (file: string, options: TranscriptScanOptions): Promise<TranscriptScan> {
  const scan: TranscriptScan = { file, messages: [], findings: [] }
  let position = -1
  const stop = (code: FindingCode, message: string, at: { position?: number, seq?: number, sessionCode?: string } = { position }): never => {
    scan.findings.push({ code, message, file, ...at })
    throw new Stop()
  }
  /** Record checks of records.md §8 on a block; a failure stops with its code. */
  const checked = <T>(kind: Parameters<typeof decodeRecord<T>>[0], bytes: Uint8Array, seq?: number): SignedRecord<T> => {
    try {
      return decodeRecord(kind, bytes, { verify })
    } catch (err) {
      if (isAspError(err) && isFindingCode(err.code)) stop(err.code, `${kind.name}: ${err.message}`, { position, seq })
      throw err
    }
  }

  let manifest: TranscriptManifest | undefined
  let state: SessionState | undefined
  let previous: SignedRecord<SessionMessage> | undefined
  let commitmentSeen = false

  try {
    let blocks: CarBlockIterator
    let roots: CID[]
    try {
      blocks = await CarBlockIterator.fromIterable(createReadStream(file))
      roots = await blocks.getRoots()
    } catch (err) {
      return stop('EXPORT_UNREADABLE', `not a readable CAR file: ${(err as Error).message}`, {})
    }
    if (blocks.version !== 1) stop('EXPORT_UNREADABLE', `exports are CARv1; this file is CARv${blocks.version}`, {})
    if (roots.length !== 1) stop('EXPORT_ROOT_INVALID', `an export has exactly one root, this one has ${roots.length}`, {})
    try {
      for await (const { cid, bytes } of blocks) {
        position++
        const expectedSeq = position
        const at = position === 0 || manifest === undefined || position > manifest.messages ? { position } : { position, seq: expectedSeq }
        if (!isRecordCid(cid)) stop('EXPORT_BLOCK_CID_INVALID', `block ${cid.toString()} is not a CIDv1 of DAG-CBOR with sha2-256`)
        if (!cidMatches(cid, bytes)) stop('EXPORT_BLOCK_HASH_MISMATCH', `block ${cid.toString()} does not hash to its CID`, at)

        if (position === 0) {
          if (!cid.equals(roots[0])) stop('EXPORT_ROOT_INVALID', 'the first block is not the root')
          manifest = decodeManifest(bytes, stop)
          scan.manifest = manifest
          continue
        }
        const m = manifest as TranscriptManifest

        if (position > m.messages) {
          if (position > m.messages + 1 || m.commitment === null) stop('TRANSCRIPT_BLOCK_UNEXPECTED', `block ${cid.toString()} stands after the end of the transcript`)
          const named = (m.commitment as CID).toString()
          if (cid.toString() !== named) stop('TRANSCRIPT_BLOCK_UNEXPECTED', `block ${cid.toString()} stands where the manifest's commitment ${named} belongs`)
          const commitment = checked(commitmentKind, bytes)
          const s = state as SessionState
          if (!isCommitted(s)) stop('TRANSCRIPT_COMMITMENT_UNEXPECTED', `a commitment, but the transcript leaves the session ${s.phase} without both COMMITs`)
          const problem = commitmentProblem(s, commitment.value)
          if (problem !== undefined) stop('TRANSCRIPT_COMMITMENT_MISMATCH', `not the commitment of the transcript's COMMITs: ${problem}`)
          scan.commitment = cid.toString()
          commitmentSeen = true
          continue
        }

        // A message, at position = its seq.
        const message = checked(sessionMessageKind, bytes, expectedSeq)
        const v = message.value
        if (v.session !== m.session) stop('TRANSCRIPT_SESSION_MISMATCH', `message of session ${v.session} in the transcript of ${m.session}`, at)
        if (v.seq !== expectedSeq) stop('TRANSCRIPT_SEQ_MISMATCH', `expected the message at seq ${expectedSeq}, found seq ${v.seq}`, at)
        if (previous !== undefined && (v.prev === null || !v.prev.equals(previous.cid))) stop('TRANSCRIPT_PREV_MISMATCH', `message ${v.seq} does not link to message ${v.seq - 1}`, at)
        if (previous !== undefined && v.ts < previous.value.ts) stop('TRANSCRIPT_TS_ORDER', `message ${v.seq} is dated before message ${v.seq - 1}`, at)
        if (v.ts > options.now + options.maxSkewMs) stop('TRANSCRIPT_TS_FUTURE', `message ${v.seq} is dated ${v.ts - options.now} ms in the future`, at)
        try {
          state = state === undefined ? open(v, message.cid) : apply(state, v, message.cid, verify)
        } catch (err) {
          if (!isAspError(err)) throw err
          stop('TRANSCRIPT_STEP_REFUSED', `the state machine refuses ${v.type} at seq ${v.seq}: ${err.message}`, { ...at, sessionCode: err.code })
        }
        scan.state = state
        scan.messages.push({ seq: v.seq, key: keyOf(message.cid), position })
        previous = message
        if (v.seq === m.messages) {
          const named = m.last.toString()
          if (message.cid.toString() !== named) stop('TRANSCRIPT_LAST_MISMATCH', `the manifest names ${named} as message ${m.messages}, the file holds ${message.cid.toString()}`, { position: 0, seq: m.messages })
          if (m.commitment === null && isCommitted(state as SessionState)) {
            stop('TRANSCRIPT_COMMITMENT_MISSING', 'the session is committed, and the transcript carries no commitment', { position: position + 1 })
          }
        }
      }
    } catch (err) {
      if (err instanceof Stop) throw err
      stop('EXPORT_UNREADABLE', `the file breaks off or is malformed after block ${position}: ${(err as Error).message}`, { position: position + 1 })
    }
    if (manifest === undefined) stop('EXPORT_ROOT_INVALID', 'the export holds no blocks', {})
    const m = manifest as TranscriptManifest
    if (scan.messages.length < m.messages) {
      stop('TRANSCRIPT_TRUNCATED', `the manifest names ${m.messages} messages, the file holds ${scan.messages.length}`, { position: position + 1, seq: scan.messages.length + 1 })
    }
    if (m.commitment !== null && !commitmentSeen) stop('TRANSCRIPT_TRUNCATED', 'the manifest names a commitment, the file ends without it', { position: position + 1 })
  } catch (err) {
    if (!(err instanceof Stop)) throw err
  }
  return scan
}

function decodeManifest (bytes: Uint8Array, stop: (code: FindingCode, message: string) => never): TranscriptManifest {
  if (bytes.length > MANIFEST_MAX_BYTES) stop('TRANSCRIPT_MANIFEST_INVALID', `the manifest is ${bytes.length} bytes, limit ${MANIFEST_MAX_BYTES}`)
  let value: unknown
  try {
    value = decodeCanonical(bytes)
  } catch (err) {
    if (isAspError(err) && isFindingCode(err.code)) stop(err.code, `manifest: ${err.message}`)
    throw err
  }
  const parsed = transcriptManifestSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    stop('TRANSCRIPT_MANIFEST_INVALID', `manifest: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim())
  }
  return value as TranscriptManifest
}
