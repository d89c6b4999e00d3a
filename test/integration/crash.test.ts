import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Log } from '../../src/log/log.js'
import { testSigner } from '../helpers/keys.js'
import { tempDir } from '../helpers/tmp.js'

const child = fileURLToPath(new URL('../fixtures/append-forever.js', import.meta.url))

/** Runs the appender until it has acknowledged `atLeast` entries, then SIGKILLs it. */
async function appendThenKill (logPath: string, atLeast: number): Promise<Map<number, string>> {
  const acked = new Map<number, string>()
  const proc = spawn(process.execPath, [child, logPath], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)))
  for await (const line of createInterface({ input: proc.stdout })) {
    const [seq, cid] = line.split(' ')
    acked.set(Number(seq), cid as string)
    if (acked.size === atLeast) proc.kill('SIGKILL')
  }
  assert.equal(await exited, 'SIGKILL')
  return acked
}

describe('log durability under SIGKILL (child process)', function () {
  this.timeout(120_000)

  it('reopens with a chain that verifies and every acknowledged entry present, twice over', async () => {
    const dir = await tempDir()
    const logPath = join(dir.path, 'log')
    try {
      const acked = await appendThenKill(logPath, 3000)
      // A second run continues the same log after the crash, and is killed in turn.
      for (const [seq, cid] of await appendThenKill(logPath, 2000)) acked.set(seq, cid)

      const log = await Log.open(logPath, testSigner('crash'))
      try {
        const found = new Map<number, string>()
        let prev: string | null = null
        for await (const entry of log.entries(1, Number.MAX_SAFE_INTEGER, { verify: true })) {
          assert.equal(entry.value.seq, found.size + 1, 'no gap')
          assert.equal(entry.value.prev?.toString() ?? null, prev, `prev link at ${entry.value.seq}`)
          prev = entry.cid.toString()
          found.set(entry.value.seq, prev)
        }
        assert.equal(log.head().seq, found.size)
        for (const [seq, cid] of acked) assert.equal(found.get(seq), cid, `acknowledged entry ${seq} is present`)
        assert.ok(found.size >= 5000)
      } finally {
        await log.close()
      }
    } finally {
      await dir.remove()
    }
  })
})
