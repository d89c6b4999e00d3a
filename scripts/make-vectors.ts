// Writes protocols/vectors/{keys.json, records.json, disputes.json, log/*, transcript/*}. The test suite regenerates them in
// memory and compares, so committed vectors always match what the code does.
import '../src/polyfill.js'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { makeLogVectors, MAX_SKEW_MS, VERIFY_NOW } from './vectors/log-vectors.js'
import { recordVectors } from './vectors/record-vectors.js'
import { makeTranscriptVectors, TRANSCRIPT_MAX_SKEW_MS, TRANSCRIPT_VERIFY_NOW } from './vectors/transcript-vectors.js'
import { disputeVectors } from './vectors/dispute-vectors.js'

const root = new URL('../../protocols/vectors/', import.meta.url).pathname

export function json (value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n'
}

const { keys, records } = recordVectors()
await mkdir(join(root, 'log'), { recursive: true })
await writeFile(join(root, 'keys.json'), json(keys))
await writeFile(join(root, 'records.json'), json(records))
await writeFile(join(root, 'disputes.json'), json(disputeVectors()))
const { files, vectors } = await makeLogVectors()
for (const [name, bytes] of files) await writeFile(join(root, 'log', name), bytes)
await writeFile(join(root, 'log', 'manifest.json'), json({
  description: 'Exports for `asp verify`. Verify each vector\'s files together, with now and maxSkewMs as given; expect names the first finding.',
  now: VERIFY_NOW,
  maxSkewMs: MAX_SKEW_MS,
  vectors
}))
console.log(`wrote ${files.size} exports and ${vectors.length} vectors to ${join(root, 'log')}`)

const transcripts = await makeTranscriptVectors()
await mkdir(join(root, 'transcript'), { recursive: true })
for (const [name, bytes] of transcripts.files) await writeFile(join(root, 'transcript', name), bytes)
await writeFile(join(root, 'transcript', 'manifest.json'), json({
  description: 'Session transcripts and log exports for `asp verify`. Verify each vector\'s files together, in the order listed, with now and maxSkewMs as given; expect names the first finding (sessionCode: the state machine\'s refusal code of a TRANSCRIPT_STEP_REFUSED).',
  now: TRANSCRIPT_VERIFY_NOW,
  maxSkewMs: TRANSCRIPT_MAX_SKEW_MS,
  vectors: transcripts.vectors
}))
console.log(`wrote ${transcripts.files.size} files and ${transcripts.vectors.length} vectors to ${join(root, 'transcript')}`)
