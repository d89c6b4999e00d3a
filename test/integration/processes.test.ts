import assert from 'node:assert/strict'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { access, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { cliPath } from '../helpers/paths.js'
import { tempDir } from '../helpers/tmp.js'
import { eventually } from '../helpers/network.js'

const exec = promisify(execFile)

async function asp (...args: string[]): Promise<string> {
  return (await exec(process.execPath, [cliPath, ...args])).stdout
}

function startNode (dataDir: string): { proc: ChildProcess, output: () => string, exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [cliPath, 'start', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  proc.stdout?.on('data', (d: Buffer) => { output += d.toString() })
  proc.stderr?.on('data', (d: Buffer) => { output += d.toString() })
  return { proc, output: () => output, exited: new Promise((resolve) => proc.on('exit', (code) => resolve(code))) }
}

const running = async (dataDir: string): Promise<boolean> => access(join(dataDir, 'api.json')).then(() => true, () => false)

describe('nodes as separate OS processes (asp init, asp start, asp status)', function () {
  this.timeout(120_000)

  it('two organizations find each other through the DHT and stop cleanly on SIGTERM', async () => {
    const dir = await tempDir()
    const a = join(dir.path, 'a')
    const b = join(dir.path, 'b')
    const nodes: Array<ReturnType<typeof startNode>> = []
    try {
      await asp('init', '--data-dir', a, '--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0')
      nodes.push(startNode(a))
      await eventually('node A serves its API', async () => running(a))
      const statusA = JSON.parse(await asp('status', '--data-dir', a, '--json'))
      assert.equal(statusA.network, 'devnet')
      assert.match(statusA.peerId, /^12D3KooW/)
      assert.equal(statusA.log.seq, 1)

      await writeFile(join(dir.path, 'peers.json'), JSON.stringify({ network: 'devnet', peers: statusA.addresses }))
      await asp('init', '--data-dir', b, '--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0', '--bootstrap', join(dir.path, 'peers.json'))
      nodes.push(startNode(b))
      await eventually('node B serves its API', async () => running(b))
      await eventually('the two nodes are connected, with DHT routing tables', async () => {
        const [sa, sb] = await Promise.all([a, b].map(async (d) => JSON.parse(await asp('status', '--data-dir', d, '--json'))))
        return sa.connectedPeers === 1 && sb.connectedPeers === 1 && sa.routingTableSize === 1 && sb.routingTableSize === 1
      })

      await asp('card', 'publish', '--data-dir', a, '--agent', 'sales', '--capability', 'sell:gpu-hours', '--summary', 'GPU hours')
      const found = JSON.parse(await asp('discover', 'sell:gpu-hours', '--data-dir', b, '--json'))
      assert.deepEqual(found.agents.map((x: { org: string }) => x.org), [statusA.peerId])

      for (const node of nodes) node.proc.kill('SIGTERM')
      for (const node of nodes) {
        assert.equal(await node.exited, 0, node.output())
        assert.match(node.output(), /stopped/)
      }
      assert.equal(await running(a), false, 'api.json is removed on stop')
      // The log is closed and valid after the stop.
      await asp('log', 'export', '--data-dir', a, '--out', join(dir.path, 'a.car'))
      assert.match(await asp('verify', join(dir.path, 'a.car')), /valid/)
    } finally {
      for (const node of nodes) node.proc.kill('SIGKILL')
      await dir.remove()
    }
  })
})
