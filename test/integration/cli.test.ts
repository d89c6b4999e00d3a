import assert from 'node:assert/strict'
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir } from '../helpers/tmp.js'
import { asp } from '../helpers/cli.js'



describe('asp CLI (child processes)', function () {
  this.timeout(60_000)
  let dir: { path: string, remove: () => Promise<void> }

  before(async () => { dir = await tempDir() })
  after(async () => dir.remove())

  it('init, note, export, verify, import: the auditor\'s round trip', async () => {
    const node = join(dir.path, 'node')
    const init = await asp('init', '--data-dir', node, '--network', 'testnet')
    assert.equal(init.code, 0, init.stderr)
    assert.match(init.stdout, /12D3KooW/)
    assert.equal((await stat(join(node, 'org.key'))).mode & 0o777, 0o600)
    assert.equal((await asp('init', '--data-dir', node)).code, 1, 'a second init refuses')

    assert.equal((await asp('log', 'note', '--data-dir', node, 'maintenance', 'window')).code, 0)
    const head = JSON.parse((await asp('log', 'head', '--data-dir', node, '--json')).stdout)
    assert.equal(head.seq, 2)

    const car = join(dir.path, 'node.car')
    assert.equal((await asp('log', 'export', '--data-dir', node, '--out', car)).code, 0)
    const ok = await asp('verify', car, '--json')
    assert.equal(ok.code, 0, ok.stdout)
    const report = JSON.parse(ok.stdout)
    assert.equal(report.ok, true)
    assert.equal(report.files[0].head.seq, 2)
    assert.equal(report.files[0].author, head.author)

    // Restore into a fresh data dir holding only the same key.
    const restored = join(dir.path, 'restored')
    await mkdir(restored, { mode: 0o700 })
    await copyFile(join(node, 'org.key'), join(restored, 'org.key'))
    assert.equal((await asp('log', 'import', '--data-dir', restored, car)).code, 0)
    assert.deepEqual(JSON.parse((await asp('log', 'head', '--data-dir', restored, '--json')).stdout), head)
  })

  it('names the first bad entry and its code, with exit status 1', async () => {
    const node = join(dir.path, 'node2')
    await asp('init', '--data-dir', node)
    await asp('log', 'note', '--data-dir', node, 'to be tampered with')
    const car = join(dir.path, 'node2.car')
    await asp('log', 'export', '--data-dir', node, '--out', car)
    const bytes = await readFile(car)
    const at = bytes.indexOf('tampered')
    bytes[at] = bytes[at]! ^ 0x20
    await writeFile(car, bytes)
    const human = await asp('verify', car)
    assert.equal(human.code, 1)
    assert.match(human.stdout, /invalid: EXPORT_BLOCK_HASH_MISMATCH at entry|invalid: EXPORT_BLOCK_HASH_MISMATCH/)
    const json = JSON.parse((await asp('verify', car, '--json')).stdout)
    assert.equal(json.first.code, 'EXPORT_BLOCK_HASH_MISMATCH')
    assert.equal(json.first.position, 2)
    const missing = await asp('verify', join(dir.path, 'nope.car'), '--json')
    assert.equal(missing.code, 1)
    assert.equal(JSON.parse(missing.stdout).first.code, 'EXPORT_UNREADABLE')
  })

  it('usage errors exit 2; errors of the data dir are typed', async () => {
    assert.equal((await asp('verify')).code, 2)
    assert.equal((await asp('log', 'export', '--data-dir', dir.path)).code, 2)
    assert.equal((await asp('nonsense')).code, 2)
    const noKey = await asp('log', 'head', '--data-dir', join(dir.path, 'empty'))
    assert.equal(noKey.code, 1)
    assert.match(noKey.stderr, /DATADIR_MISSING/)
  })
})
