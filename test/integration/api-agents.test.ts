import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { AGENTS_FILE } from '../../src/api/agent-registry.js'
import { initDataDir } from '../../src/datadir.js'
import { AspNode } from '../../src/node.js'
import { cliPath } from '../helpers/paths.js'
import { eventually, fastConfig, startNetwork, type TestNetwork } from '../helpers/network.js'
import { tempDir } from '../helpers/tmp.js'

const run = promisify(execFile)
const asp = async (...args: string[]): Promise<{ stdout: string, stderr: string }> => run(process.execPath, [cliPath, ...args])

const whoami = async (url: string, token: string): Promise<{ status: number, agent?: string }> => {
  const res = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })
  const body = await res.json() as { agent?: string }
  return { status: res.status, agent: body.agent }
}

describe('API: asp agent add registers an agent token (stored hashed, mode 0600)', function () {
  this.timeout(60_000)
  let net: TestNetwork

  before(async () => { net = await startNetwork(1) })
  after(async () => net?.stop())

  it('while the node runs: the token works at once, the file keeps only its hash; remove revokes it', async () => {
    const dir = net.dir(0)
    const url = net.nodes[0]!.apiUrl as string
    const { stdout } = await asp('agent', 'add', 'buyer', '--data-dir', dir)
    const token = stdout.trim()
    assert.match(token, /^asp_agent_[A-Za-z0-9_-]{43}$/)
    assert.deepEqual(await whoami(url, token), { status: 200, agent: 'buyer' })
    const file = join(dir, AGENTS_FILE)
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    const text = await readFile(file, 'utf8')
    assert.ok(!text.includes(token) && !text.includes(token.slice(10)), 'the token is not stored')
    await assert.rejects(asp('agent', 'add', 'buyer', '--data-dir', dir), (err: { code: number, stderr: string }) => err.code === 1 && err.stderr.includes('API_AGENT_EXISTS'))
    await assert.rejects(asp('agent', 'add', 'Bad Name', '--data-dir', dir), (err: { code: number }) => err.code === 1)
    assert.match((await asp('agent', 'list', '--data-dir', dir)).stdout, /^buyer\t/)
    await asp('agent', 'remove', 'buyer', '--data-dir', dir)
    await eventually('the removed token stops working', async () => (await whoami(url, token)).status === 401, 5000)
  })

  it('while no node runs: the token works once the node starts', async () => {
    const tmp = await tempDir()
    try {
      const dir = join(tmp.path, 'node')
      await initDataDir(dir, { network: 'devnet' })
      const token = (await asp('agent', 'add', 'seller', '--data-dir', dir)).stdout.trim()
      const node = await AspNode.open(dir, { config: fastConfig })
      await node.start()
      try {
        assert.deepEqual(await whoami(node.apiUrl as string, token), { status: 200, agent: 'seller' })
      } finally {
        await node.stop()
      }
      await assert.rejects(asp('agent', 'add', 'x', '--data-dir', join(tmp.path, 'nowhere')), (err: { code: number, stderr: string }) => err.code === 1 && err.stderr.includes('DATADIR_MISSING'))
    } finally {
      await tmp.remove()
    }
  })
})
