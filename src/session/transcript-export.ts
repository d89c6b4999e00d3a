// One session's transcript as a CAR file that `asp verify` checks (protocols/session.md, "Transcript
// export"): root = a small manifest; then the messages, seq 1 to n; then the commitment, when the
// session is committed. The messages carry their own signatures and chain, so the manifest is not
// signed: it names what the file holds, and the verifier holds the file to it.
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CarWriter } from '@ipld/car/writer'
import { z } from 'zod'
import { AspError, isAspError } from '../errors.js'
import { cidOf, encode, type CID } from '../records/codec.js'
import { verify } from '../records/ed25519.js'
import { decodeRecord, type SignedRecord } from '../records/record.js'
import { link, positiveInt } from '../records/schema-types.js'
import { commitmentKind } from './commitment-kind.js'
import { apply, open } from './machine.js'
import { sessionMessageKind, sessionMessageSchema, type SessionMessage } from './message-kind.js'
import type { SessionState } from './state.js'
import { commitmentProblem, isCommitted } from './transcript-commitment.js'

/** The value of the manifest's `format` key: what tells a transcript from a log export. */
export const TRANSCRIPT_FORMAT = 'asp-session-transcript'

/** Manifests above this size are refused before decoding. */
export const MANIFEST_MAX_BYTES = 1024

export const transcriptManifestSchema = z.strictObject({
  v: z.literal(1),
  format: z.literal(TRANSCRIPT_FORMAT),
  session: sessionMessageSchema.shape.session,
  messages: positiveInt.describe('How many messages follow the manifest: seq 1 to this.'),
  last: link.describe('CID of the message at seq = messages.'),
  commitment: link.nullable().describe('CID of the commitment record that follows the last message; null when the file holds none.')
}).meta({ title: 'session transcript manifest' })

export type TranscriptManifest = z.infer<typeof transcriptManifestSchema>

export type TranscriptErrorCode = 'TRANSCRIPT_EMPTY' | 'TRANSCRIPT_INVALID' | 'TRANSCRIPT_COMMITMENT' | 'TRANSCRIPT_NO_SESSION'

export class TranscriptError extends AspError<TranscriptErrorCode> {
  override name = 'TranscriptError'
}

export interface Block {
  cid: CID
  bytes: Uint8Array
}

export interface TranscriptLayout {
  manifest: TranscriptManifest
  /** The manifest's block first (its CID is the root), then every other block in file order. */
  blocks: Block[]
}

/** The blocks of a transcript file, as given: nothing is checked (see exportTranscript). */
export function transcriptLayout (messages: ReadonlyArray<SignedRecord<SessionMessage>>, commitment?: Block): TranscriptLayout {
  const first = messages[0]
  const last = messages[messages.length - 1]
  if (first === undefined || last === undefined) throw new TranscriptError('TRANSCRIPT_EMPTY', 'a transcript holds at least one message')
  const manifest: TranscriptManifest = {
    v: 1,
    format: TRANSCRIPT_FORMAT,
    session: first.value.session,
    messages: messages.length,
    last: last.cid,
    commitment: commitment?.cid ?? null
  }
  const bytes = encode(manifest)
  return { manifest, blocks: [{ cid: cidOf(bytes), bytes }, ...messages.map((m) => ({ cid: m.cid, bytes: m.bytes })), ...(commitment !== undefined ? [commitment] : [])] }
}

/** The CAR bytes of a layout (for vectors and tests; exportTranscript writes files). */
export async function transcriptCarBytes (layout: TranscriptLayout): Promise<Uint8Array> {
  const { writer, out } = CarWriter.create([(layout.blocks[0] as Block).cid])
  const chunks: Uint8Array[] = []
  const collected = (async () => { for await (const chunk of out) chunks.push(chunk) })()
  for (const block of layout.blocks) await writer.put(block)
  await writer.close()
  await collected
  return Buffer.concat(chunks)
}

/**
 * Checks a transcript as `asp verify` will (each message's record and signature, the chain and the
 * state machine from the first message, the commitment against the COMMITs) and returns the state it
 * leads to. Throws a TranscriptError naming the first problem.
 */
export function replayTranscript (messages: ReadonlyArray<SignedRecord<SessionMessage>>, commitment?: Block): SessionState {
  let state: SessionState | undefined
  for (const [i, given] of messages.entries()) {
    try {
      const message = decodeRecord(sessionMessageKind, given.bytes)
      if (!message.cid.equals(given.cid)) throw new TranscriptError('TRANSCRIPT_INVALID', 'the message\'s CID is not the CID of its bytes')
      if (message.value.seq !== i + 1) throw new TranscriptError('TRANSCRIPT_INVALID', `message ${i + 1} of the transcript has seq ${message.value.seq}`)
      state = state === undefined ? open(message.value, message.cid) : apply(state, message.value, message.cid, verify)
    } catch (err) {
      if (!isAspError(err) || err instanceof TranscriptError) throw err
      throw new TranscriptError('TRANSCRIPT_INVALID', `message ${i + 1}: ${err.code}: ${err.message}`, { seq: i + 1, code: err.code }, { cause: err })
    }
  }
  if (state === undefined) throw new TranscriptError('TRANSCRIPT_EMPTY', 'a transcript holds at least one message')
  if (commitment === undefined) {
    if (isCommitted(state)) throw new TranscriptError('TRANSCRIPT_COMMITMENT', 'the session is committed: its transcript carries the commitment')
    return state
  }
  let problem: string | undefined
  try {
    const record = decodeRecord(commitmentKind, commitment.bytes)
    problem = record.cid.equals(commitment.cid) ? commitmentProblem(state, record.value) : 'the commitment\'s CID is not the CID of its bytes'
  } catch (err) {
    if (!isAspError(err)) throw err
    problem = `${err.code}: ${err.message}`
  }
  if (problem !== undefined) throw new TranscriptError('TRANSCRIPT_COMMITMENT', `not this session's commitment: ${problem}`)
  return state
}

export interface TranscriptExportResult {
  session: string
  messages: number
  phase: SessionState['phase']
  root: string
  commitment: string | null
}

/**
 * Writes one session's transcript (SessionManager.transcript(id), and SessionManager.commitment(id)
 * when the session is committed) to a CAR file, after checking that it verifies.
 */
export async function exportTranscript (messages: ReadonlyArray<SignedRecord<SessionMessage>>, commitment: Block | undefined, outPath: string): Promise<TranscriptExportResult> {
  const state = replayTranscript(messages, commitment)
  const layout = transcriptLayout(messages, commitment)
  const root = (layout.blocks[0] as Block).cid
  const { writer, out } = CarWriter.create([root])
  // Written beside the target and renamed at the end, as log exports are: a failed export never
  // leaves a file that looks complete.
  const partial = `${outPath}.partial`
  const written = pipeline(Readable.from(out), createWriteStream(partial, { mode: 0o644 }))
  try {
    for (const block of layout.blocks) await writer.put(block)
  } catch (err) {
    await writer.close()
    await written.catch(() => {})
    await rm(partial, { force: true })
    throw err
  }
  await writer.close()
  await written
  await rename(partial, outPath)
  return { session: state.id, messages: messages.length, phase: state.phase, root: root.toString(), commitment: commitment?.cid.toString() ?? null }
}
