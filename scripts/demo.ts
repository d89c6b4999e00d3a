// npm run demo [-- --keep] [-- --dir DIR]: the product's story on a real local network.
//
// Seven organizations run their own ASP node, each an `asp start` process on 127.0.0.1: a bootstrap
// node, three arbiters, a buyer and two GPU vendors. The agents speak to their own nodes only over
// the HTTP API; the operators use the `asp` CLI. The buyer's procurement agent finds both vendors,
// negotiates with vendor A (its counter-offer waits for a person's approval), and the deal is
// honored; vendor B misses a deadline, the buyer's node opens a dispute by itself, the arbiters rule
// breach and vendor B's score drops on every node. Then the timeline, each org's reputation table,
// and an offline audit of every node's log.
//
// Every step checks that it happened as described; the demo exits 1 naming the step that did not.
// --keep leaves the network running (each node's API address and operator token file are printed);
// --dir DIR puts the data dirs in DIR (new or empty), else in a temporary folder removed at the end.
import '../src/polyfill.js'
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { brokenDeal } from './demo/broken-deal.js'
import { setCliFolder } from './demo/cli.js'
import { publishAndDiscover } from './demo/discovery.js'
import { honoredDeal } from './demo/honored-deal.js'
import type { DemoNetwork } from './demo/network.js'
import { exportAndVerify, printReputation, printTimeline } from './demo/report.js'
import { castAgents, startNetwork } from './demo/setup.js'
import { elapsed, interrupt, interrupted, StepFailed } from './demo/steps.js'

const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false }, dir: { type: 'string' } } })
const keep = values.keep === true

async function prepareFolder (): Promise<{ folder: string, temporary: boolean }> {
  if (values.dir === undefined) return { folder: await mkdtemp(join(tmpdir(), 'asp-demo-')), temporary: true }
  const folder = resolve(values.dir)
  await mkdir(folder, { recursive: true })
  if ((await readdir(folder)).length > 0) throw new StepFailed('(setup)', `--dir ${folder} is not empty; give a new or empty folder`)
  return { folder, temporary: false }
}

function printKept (net: DemoNetwork): void {
  console.log('\nThe network keeps running (--keep). Each node, its API and its operator token file:')
  for (const n of net.nodes) console.log(`  ${n.name.padEnd(10)} pid ${String(n.pid ?? '?').padEnd(7)} ${n.apiUrl.padEnd(24)} ${join(n.path, 'operator.token')}`)
  console.log(`Agent tokens (Authorization: Bearer …) are in ${join(net.folder, 'tokens')}/.`)
  console.log(`Try, from this repository: npx asp reputation --data-dir ${net.node('buyer').path}`)
  console.log(`Stop the network: kill ${net.nodes.map((n) => n.pid).join(' ')}`)
}

const prepared = await prepareFolder().catch((err: Error) => {
  console.log(`✗ demo FAILED before it started: ${err.message}`)
  process.exit(1)
})
const { folder, temporary } = prepared
setCliFolder(folder)
let net: DemoNetwork | undefined
let failed: StepFailed | Error | undefined
process.once('SIGINT', () => interrupt('interrupted (SIGINT)'))
process.once('SIGTERM', () => interrupt('interrupted (SIGTERM)'))
// Whatever happens, no process this demo started outlives it unless --keep asked for it.
process.once('exit', () => { if (!keep || failed !== undefined) net?.killAll() })

console.log(`ASP demo: seven organizations on 127.0.0.1, data dirs in ${folder}`)
console.log('(the agents use their node\'s HTTP API; the operators use the asp CLI, run from that folder)')
try {
  net = await startNetwork(folder, { detached: keep })
  const cast = await castAgents(net)
  await publishAndDiscover(cast)
  const honored = await honoredDeal(cast)
  const broken = await brokenDeal(cast)
  await printTimeline(cast, broken)
  await printReputation(cast)
  await exportAndVerify(net, [{ session: honored.session, file: 'deal-vendor-a.car' }, { session: broken.session, file: 'deal-vendor-b.car' }])
  if (keep) {
    await net.start({ detached: true })
    for (const n of net.nodes) n.detach()
    printKept(net)
  }
} catch (err) {
  failed = err as Error
}

if (failed !== undefined) {
  const where = failed instanceof StepFailed ? `step "${failed.step}"` : 'an unexpected error'
  const unclean = await net?.stop() ?? []
  if (interrupted.aborted) {
    console.log(`\n✗ demo interrupted during ${where}; every node it started is stopped`)
    if (temporary) await rm(folder, { recursive: true, force: true })
    process.exitCode = 130
  } else {
    console.log(`\n✗ demo FAILED at ${where}: ${failed instanceof StepFailed ? failed.message : failed.stack ?? failed.message}`)
    if (unclean.length > 0) console.log(`  (not stopped cleanly: ${unclean.map((n) => n.name).join(', ')})`)
    console.log(`  data dirs, node output (output/*.out) and exports are kept in ${folder}`)
    process.exitCode = 1
  }
} else {
  console.log(`\n✓ demo finished in ${elapsed()}: every step happened as described`)
  if (temporary && !keep) await rm(folder, { recursive: true, force: true })
  else if (!keep) console.log(`  data dirs, node output and exports are in ${folder}`)
}
