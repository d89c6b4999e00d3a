// npm run bench:disputes [-- --json] [--disputes N] [--window ms] [--interval ms] [--grace ms]
//   [--mode both|one|processes] [--attestations N] [--orgs N] [--only disputes|attestations]
//   [--profile dir]
// 1. A 6-node network on 127.0.0.1 (buyer, two vendors, three arbiters): a vendor misses its
//    deadline, N times in turn; the time from deadline plus grace to a verdict stored by every node,
//    split into its steps, beside raw gossipsub to all nodes, an ASP record gossiped and stored by
//    all, a synced write, an evidence exchange, and the configured window and interval (deliberate
//    waits). Run with the nodes in one process (as the tests do) and one process per node: the
//    steps after the vote are CPU work that one shared event loop serializes.
// 2. Attestations taken in per second by one node: the pure check and the full path (check, then
//    accept into the log), beside raw Ed25519 verifies per second on one thread (raw/2 bounds them).
// --profile dir writes CPU profiles of the timed disputes (one-process mode) and of the attestation rounds.
import '../src/polyfill.js'
import { parseArgs } from 'node:util'
import { attestationThroughput } from './bench/attestation-throughput.js'
import { disputeLatency } from './bench/dispute-latency.js'
import { print, type Row } from './bench/report.js'

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    disputes: { type: 'string', default: '30' },
    window: { type: 'string', default: '500' },
    interval: { type: 'string', default: '100' },
    grace: { type: 'string', default: '200' },
    mode: { type: 'string', default: 'both' },
    attestations: { type: 'string', default: '4000' },
    orgs: { type: 'string', default: '256' },
    only: { type: 'string' },
    profile: { type: 'string' }
  }
})
const json = values.json === true
const int = (name: string, text: string, min: number): number => {
  const n = Number(text)
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}`)
  return n
}
const settings = { graceMs: int('grace', values.grace, 0), intervalMs: int('interval', values.interval, 10), windowMs: int('window', values.window, 0) }
const disputes = int('disputes', values.disputes, 1)
const attestations = int('attestations', values.attestations, 100)
const orgs = int('orgs', values.orgs, 5)
if (!['both', 'one', 'processes'].includes(values.mode)) throw new Error('--mode is both, one or processes')
if (values.only !== undefined && values.only !== 'disputes' && values.only !== 'attestations') throw new Error('--only is disputes or attestations')
const progress = (text: string): void => { if (!json) process.stderr.write(`${text}\n`) }

const rows: Row[] = []
const notes: string[] = []
const extra: Record<string, unknown> = {}
if (values.only !== 'attestations') {
  const modes = values.mode === 'both' ? ['one', 'processes'] as const : [values.mode as 'one' | 'processes']
  for (const mode of modes) {
    const part = await disputeLatency({ mode, disputes, settings, progress, ...(values.profile !== undefined ? { profileDir: values.profile } : {}) })
    rows.push(...part.rows)
    notes.push(...part.notes)
    extra[mode === 'one' ? 'disputesOneProcess' : 'disputesProcesses'] = part.extra
  }
}
if (values.only !== 'disputes') {
  const part = await attestationThroughput({ attestations, orgs, progress, ...(values.profile !== undefined ? { profileDir: values.profile } : {}) })
  rows.push(...part.rows)
  notes.push(...part.notes)
  extra.attestations = part.extra
}
print('bench:disputes', rows, json, { ...extra, notes })
if (!json) console.log(notes.map((n) => `- ${n}`).join('\n') + '\n')
