import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { access, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { eventually } from '../helpers/network.js'
import { tempDir } from '../helpers/tmp.js'

const demo = fileURLToPath(new URL('../../scripts/demo.js', import.meta.url))

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The pids printed in the table of the first start ("Buyer      pid 1234    API http://…"). */
function startedPids (out: string): number[] {
  return [...out.matchAll(/^ {2}\S.{0,12}pid (\d+)\s+API http/gm)].map((m) => Number(m[1]))
}

describe('npm run demo (seven asp start processes, the whole story)', function () {
  // The demo itself promises under two minutes on a 2-vCPU machine; the margin is for a loaded CI runner.
  this.timeout(240_000)

  it('runs every step as described, stops what it started, and with --keep leaves a network that answers', async () => {
    const dir = await tempDir('asp-demo-test-')
    let kept: number[] = []
    try {
      const { code, stdout } = await new Promise<{ code: number, stdout: string }>((resolve) => {
        execFile(process.execPath, [demo, '--keep', '--dir', join(dir.path, 'net')], { maxBuffer: 16 * 1024 * 1024 }, (err, out, errOut) => {
          resolve({ code: err === null ? 0 : 1, stdout: out + errOut })
        })
      })
      kept = [...stdout.matchAll(/^ {2}\S.{0,12}pid (\d+)\s+http:\/\/127\.0\.0\.1:\d+\s+\S+operator\.token$/gm)].map((m) => Number(m[1]))
      assert.equal(code, 0, stdout)
      assert.doesNotMatch(stdout, /✗|FAILED/)

      // The key lines of the story.
      assert.match(stdout, /409 POLICY_APPROVAL_REQUIRED/)
      assert.match(stdout, /\$ asp approvals approve bafy\S+ --data-dir buyer --as procurement-lead/)
      assert.match(stdout, /✓ honored: both obligations met/)
      assert.match(stdout, /✓ dispute opened by the buyer's node \(its watchdog\), [\d.]+ s after the deadline: missed-deadline, deliver, Buyer vs Vendor B/)
      assert.match(stdout, /✓ verdict breach, signed by a quorum of the deal's arbiters, held by all 7 nodes/)
      // Vendor B's score, before and after, from each of the six other nodes: lower on every one.
      const drops = [...stdout.matchAll(/^ {2}(.+?)\s+-> Vendor B {2}([\d.]+)\/100 -> ([\d.]+)\/100 {2}\(1 breach\)$/gm)]
      assert.deepEqual(drops.map((m) => m[1]).sort(), ['Arbiter 1', 'Arbiter 2', 'Arbiter 3', 'Bootstrap', 'Buyer', 'Vendor A'])
      for (const [, who, before, after] of drops) assert.ok(Number(after) < Number(before), `${who}: ${before} -> ${after}`)
      // The timeline: who sent what to whom, and the phase after.
      for (const type of ['REQUEST', 'PROPOSE', 'ESCALATE', 'COUNTER', 'ACCEPT', 'COMMIT', 'CONFIRM', 'CLOSE']) {
        assert.match(stdout, new RegExp(`(Buyer|Vendor A)/\\S+ +-> (Vendor A|Buyer)/\\S+ +${type} `), type)
      }
      assert.match(stdout, /Buyer's node +-> the network +DISPUTE +open +missed-deadline about deliver, against Vendor B/)
      assert.match(stdout, /-> the network +VERDICT +breach/)
      // The reputation tables of every observer, by name.
      assert.match(stdout, /^ {2}Buyer +-> Vendor A +1 deal +1 honored +0 breached/m)
      assert.match(stdout, /^ {2}Vendor A +-> Buyer +\d deals? +1 honored/m)
      // The audit.
      assert.match(stdout, /^ {4}valid$/m)
      assert.match(stdout, /✓ verify OK: 7 logs/)
      for (const name of ['bootstrap', 'arbiter-1', 'buyer', 'vendor-b']) await access(join(dir.path, 'net', 'exports', `${name}.car`))

      // The processes of the story were stopped before the export; --keep started the network again.
      const first = startedPids(stdout)
      assert.equal(first.length, 7, 'seven node processes started')
      assert.ok(first.every((pid) => !kept.includes(pid) && !alive(pid)), 'the story\'s processes are gone')
      assert.equal(kept.length, 7, stdout)
      for (const pid of kept) assert.ok(alive(pid), `kept node ${pid} runs`)
      const api = JSON.parse(await readFile(join(dir.path, 'net', 'buyer', 'api.json'), 'utf8')) as { url: string }
      assert.deepEqual(await (await fetch(`${api.url}/v1/health`)).json(), { ok: true })
    } finally {
      // The kept network is this test's to stop: SIGTERM, as an operator would.
      for (const pid of kept) if (alive(pid)) process.kill(pid, 'SIGTERM')
      await eventually('the kept nodes to exit', () => kept.every((pid) => !alive(pid)), 30_000)
      await dir.remove()
    }
  })
})
