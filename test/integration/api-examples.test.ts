import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { addAgent } from '../../src/api/agent-registry.js'
import { operatorClient } from '../helpers/api-kit.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'
import { repoRoot } from '../helpers/paths.js'

const run = promisify(execFile)

describe('API: the example agents (fetch only) and the curl script close deals', function () {
  this.timeout(120_000)
  let net: TestNetwork

  beforeEach(async () => {
    net = await startNetwork(2)
    await eventually('connected', () => net.nodes[1]!.peer.getPeers().length > 0)
  })

  afterEach(async () => net?.stop())

  const seller = async (): Promise<{ stdout: string }> => {
    const { token } = await addAgent(net.dir(1), 'sales')
    return run(process.execPath, [join(repoRoot, 'dist/examples/seller-agent.js')], { env: { ...process.env, ASP_URL: net.nodes[1]!.apiUrl as string, ASP_TOKEN: token }, timeout: 90_000 })
  }

  /** The sessions of node i, as its operator sees them. */
  const sessionsOf = async (i: number): Promise<Array<{ id: string, phase: string }>> => (await (await operatorClient(net, i)).call('listSessions', { query: {} })).sessions

  it('buyer-agent.ts and seller-agent.ts', async () => {
    const { token } = await addAgent(net.dir(0), 'procurement')
    const [s, b] = await Promise.all([
      seller(),
      run(process.execPath, [join(repoRoot, 'dist/examples/buyer-agent.js')], { env: { ...process.env, ASP_URL: net.nodes[0]!.apiUrl as string, ASP_TOKEN: token }, timeout: 90_000 })
    ])
    assert.match(s.stdout, /: fulfilled$/m)
    assert.match(b.stdout, /: closed$/m)
    assert.deepEqual((await sessionsOf(0)).map((x) => x.phase), ['closed'])
    assert.deepEqual((await sessionsOf(1)).map((x) => [x.id, x.phase]), (await sessionsOf(0)).map((x) => [x.id, x.phase]))
  })

  it('buyer-flow.sh (curl and jq) with seller-agent.ts', async () => {
    const { token } = await addAgent(net.dir(0), 'procurement')
    const [s, b] = await Promise.all([
      seller(),
      run('bash', [join(repoRoot, 'examples/buyer-flow.sh')], { env: { ...process.env, ASP_URL: net.nodes[0]!.apiUrl as string, ASP_TOKEN: token }, timeout: 90_000 })
    ])
    assert.match(b.stdout, /commitment signed by both: bafy/)
    assert.match(s.stdout, /: fulfilled$/m)
    assert.deepEqual((await sessionsOf(0)).map((x) => x.phase), ['fulfilled'])
  })
})
