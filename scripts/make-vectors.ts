// Writes protocols/vectors/{keys.json, records.json, disputes.json, log/*}. The test suite regenerates them in
// memory and compares, so committed vectors always match what the code does.
import '../src/polyfill.js'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { makeLogVectors, MAX_SKEW_MS, VERIFY_NOW } from './vectors/log-vectors.js'
import { recordVectors } from './vectors/record-vectors.js'
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
console.log(`wrote ${files.size} exports and ${vectors.length} vectors to ${root}`)
