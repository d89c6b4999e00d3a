// npm run demo: what exists so far, end to end, through the real CLI in child processes.
// Two organizations create their nodes and signed logs; an auditor verifies their exports offline,
// then sees tampering and a fork caught. (The network, negotiation and dispute story joins this
// demo as those parts land.)
import '../src/polyfill.js'
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url))
const { values } = parseArgs({ options: { keep: { type: 'boolean' }, dir: { type: 'string' } } })

function asp (...args: string[]): Promise<{ code: number, out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : (err as { code?: number }).code ?? 1, out: (stdout + stderr).trim() })
    })
  })
}

let failed = false
async function step (title: string, args: string[], expectCode = 0): Promise<string> {
  const { code, out } = await asp(...args)
  const ok = code === expectCode
  if (!ok) failed = true
  console.log(`${ok ? '✓' : '✗'} ${title}\n  $ asp ${args.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}\n${out.split('\n').map((l) => `    ${l}`).join('\n')}\n`)
  return out
}

const dir = values.dir ?? await mkdtemp(join(tmpdir(), 'asp-demo-'))
try {
  const buyer = join(dir, 'buyer')
  const vendor = join(dir, 'vendor-a')
  await step('The buyer organization creates its node: a new org key and a signed log', ['init', '--data-dir', buyer])
  const backup = join(dir, 'buyer-backup.car')
  await step('The buyer backs its log up right away (an export is also a backup)', ['log', 'export', '--data-dir', buyer, '--out', backup])
  await step('Vendor A creates its node too', ['init', '--data-dir', vendor])
  await step('Each step an organization takes is an entry in its log, signed and hash-chained', ['log', 'note', '--data-dir', buyer, 'procurement policy: GPU hours up to 50,000 EUR per deal'])
  await step('', ['log', 'note', '--data-dir', vendor, 'price list published: 40 EUR per GPU hour'])
  await step('The buyer\'s log head', ['log', 'head', '--data-dir', buyer])

  const buyerCar = join(dir, 'buyer.car')
  const vendorCar = join(dir, 'vendor-a.car')
  await step('Both export their logs for an auditor', ['log', 'export', '--data-dir', buyer, '--out', buyerCar])
  await step('', ['log', 'export', '--data-dir', vendor, '--out', vendorCar])
  await step('The auditor verifies both offline: no node, no network', ['verify', buyerCar, vendorCar])

  const tampered = join(dir, 'buyer-tampered.car')
  const bytes = await readFile(buyerCar)
  const at = bytes.indexOf('50,000')
  bytes[at] = '9'.charCodeAt(0)
  await writeFile(tampered, bytes)
  await step('Someone edits "50,000" to "90,000" in the buyer\'s export: the auditor names the entry', ['verify', tampered], 1)

  // A fork: the buyer restores its early backup elsewhere and signs a different history from there.
  const fork = join(dir, 'buyer-fork')
  await mkdir(fork, { mode: 0o700 })
  await copyFile(join(buyer, 'org.key'), join(fork, 'org.key'))
  await step('The buyer restores its early backup into a second data dir with the same key...', ['log', 'import', '--data-dir', fork, backup])
  await step('...and signs a different entry at the position already used', ['log', 'note', '--data-dir', fork, 'procurement policy: no limit'])
  await step('', ['log', 'export', '--data-dir', fork, '--out', join(dir, 'buyer-fork.car')])
  await step('Each export is valid alone; given both, the auditor proves the fork', ['verify', buyerCar, join(dir, 'buyer-fork.car')], 1)
} finally {
  if (values.keep === true) console.log(`data dirs and exports kept in ${dir}`)
  else await rm(dir, { recursive: true, force: true })
}
console.log(failed ? 'demo FAILED: a step did not go as described' : 'demo finished: every step went as described')
process.exitCode = failed ? 1 : 0
