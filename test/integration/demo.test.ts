import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const demo = fileURLToPath(new URL('../../scripts/demo.js', import.meta.url))

describe('npm run demo', function () {
  this.timeout(120_000)

  it('runs every step as described and exits 0', async () => {
    const { code, stdout } = await new Promise<{ code: number, stdout: string }>((resolve) => {
      execFile(process.execPath, [demo], (err, out) => resolve({ code: err === null ? 0 : 1, stdout: out }))
    })
    assert.equal(code, 0, stdout)
    assert.match(stdout, /EXPORT_BLOCK_HASH_MISMATCH/)
    assert.match(stdout, /LOG_FORK/)
    assert.doesNotMatch(stdout, /^✗/m)
  })
})
