// npm run bench:log [-- --json] [--entries N]: durable appends per second (one writer and many),
// and verification throughput of a large export beside the raw node:crypto Ed25519 verify bound.
import '../src/polyfill.js'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { verifyExports } from '../src/audit/verify.js'
import { exportLog } from '../src/log/export.js'
import { Log } from '../src/log/log.js'
import { signerFromSeed } from '../src/records/ed25519.js'
import { tempDir } from '../test/helpers/tmp.js'
import { print, ratePerSecond, type Row } from './bench/report.js'
import { rawVerifyBaselines } from './bench/raw-verify.js'

const { values } = parseArgs({ options: { json: { type: 'boolean' }, entries: { type: 'string', default: '100000' } } })
const json = values.json === true
const total = Number(values.entries)
const progress = (text: string): void => { if (!json) process.stderr.write(`${text}\n`) }

const signer = signerFromSeed(new Uint8Array(32).fill(7))
const dir = await tempDir('asp-bench-log-')
try {
  const threads = availableParallelism()
  const message = new Uint8Array(200).fill(1)
  const rawSign = ratePerSecond(() => { signer.sign(message) }, 1000)

  progress('single writer: each append awaited before the next')
  const single = await Log.open(join(dir.path, 'single'), signer)
  const singleN = 2000
  let t = performance.now()
  for (let i = 0; i < singleN; i++) await single.append('note', { text: `single ${i}` })
  const singleRate = singleN / ((performance.now() - t) / 1000)
  await single.close()

  progress(`concurrent writers: ${total} appends in flight at once (group commit)`)
  const log = await Log.open(join(dir.path, 'big'), signer, { maxPending: total + 1 })
  t = performance.now()
  const chunk = 10_000
  for (let done = 0; done < total; done += chunk) {
    await Promise.all(Array.from({ length: Math.min(chunk, total - done) }, async (_, i) => log.append('note', { text: `entry ${done + i}` })))
  }
  const concurrentRate = total / ((performance.now() - t) / 1000)
  const stats = log.stats()

  progress('export')
  const car = join(dir.path, 'big.car')
  t = performance.now()
  await exportLog(log, car)
  const exportRate = total / ((performance.now() - t) / 1000)
  await log.close()

  // Baselines right before the verify, so they see the same machine state: bare node:crypto verify
  // on one thread (the bound is that times the cores) and on all threads at once.
  progress('baseline: bare node:crypto verify, 1 thread and all threads at once')
  const before = await rawVerifyBaselines(threads)
  progress(`verify ${total} entries with ${threads} worker threads`)
  t = performance.now()
  const report = await verifyExports([car], { threads })
  const verifySeconds = (performance.now() - t) / 1000
  if (!report.ok) throw new Error(`the benchmark export does not verify: ${JSON.stringify(report.first)}`)
  const verifyRate = total / verifySeconds
  // Measured again after the verify, and averaged: on a shared 2-vCPU machine one reading can be
  // 30% off, and the figure must be read against the machine as it was during the run.
  const after = await rawVerifyBaselines(threads)
  const raw = { single: (before.single + after.single) / 2, parallel: (before.parallel + after.parallel) / 2 }
  const bound = raw.single * threads

  const rows: Row[] = [
    { name: 'raw Ed25519 verify (node:crypto, 1 thread, mean of before and after)', value: raw.single, unit: '/s' },
    { name: `raw Ed25519 verify (node:crypto, ${threads} threads at once)`, value: raw.parallel, unit: '/s' },
    { name: 'raw Ed25519 sign (node:crypto, 1 core)', value: rawSign, unit: '/s' },
    { name: 'durable appends, one writer', value: singleRate, unit: '/s' },
    { name: 'durable appends, concurrent (group commit)', value: concurrentRate, unit: '/s', baseline: { name: 'raw sign, 1 core: the bound of one chain', value: rawSign }, target: '>= 10,000/s', pass: concurrentRate >= 10_000 },
    { name: '  entries per durable batch write', value: stats.entries / stats.batches, unit: '' },
    { name: `export of ${total} entries`, value: exportRate, unit: 'entries/s' },
    { name: `asp verify of ${total} entries (${threads} threads)`, value: verifyRate, unit: 'entries/s', baseline: { name: `raw 1 thread x ${threads}`, value: bound }, target: '>= 0.8 of baseline', pass: verifyRate >= 0.8 * bound },
    { name: '  the same, against all threads at once', value: verifyRate, unit: 'entries/s', baseline: { name: `raw ${threads} threads at once`, value: raw.parallel } }
  ]
  print('bench:log', rows, json, { entries: total, verifySeconds })
} finally {
  await dir.remove()
}
