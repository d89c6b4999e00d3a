// Real nodes on 127.0.0.1 (port 0) in this process, with data dirs in a temp folder: node 0 starts
// first and the others bootstrap from it, as a devnet would.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { NodeConfig } from '../../src/config.js'
import { initDataDir } from '../../src/datadir.js'
import { AspNode, type NodeOptions } from '../../src/node.js'
import { tempDir } from './tmp.js'

export function fastConfig (config: NodeConfig): void {
  config.listen = ['/ip4/127.0.0.1/tcp/0']
  config.api.port = 0
  config.dht.initialQuerySelfIntervalMs = 0
  config.dht.queryTimeoutMs = 5000
  config.net.bootstrapIntervalMs = 500
  config.net.readTimeoutMs = 3000
  config.gossip.headIntervalMs = 1000
  config.sync.intervalMs = 2000
}

export interface TestNetwork {
  nodes: AspNode[]
  root: string
  /** Data dir of node i. */
  dir(i: number): string
  /** (Re)starts node i from its data dir. */
  restart(i: number, options?: NodeOptions): Promise<AspNode>
  stop(): Promise<void>
}

export async function startNetwork (count: number, options: NodeOptions = {}): Promise<TestNetwork> {
  const tmp = await tempDir('asp-net-')
  const dir = (i: number): string => join(tmp.path, `node${i}`)
  const open = async (i: number, extra: NodeOptions = {}): Promise<AspNode> => AspNode.open(dir(i), {
    ...options,
    ...extra,
    config: (c) => { fastConfig(c); options.config?.(c); extra.config?.(c) }
  })
  const nodes: AspNode[] = []
  for (let i = 0; i < count; i++) {
    await initDataDir(dir(i), { network: 'devnet', bootstrap: i === 0 ? '' : join(tmp.path, 'bootstrap.json') })
  }
  const first = await open(0)
  await first.start()
  nodes.push(first)
  await writeFile(join(tmp.path, 'bootstrap.json'), JSON.stringify({ network: 'devnet', peers: first.status().addresses }))
  const rest = await Promise.all(Array.from({ length: count - 1 }, async (_, i) => {
    const node = await open(i + 1)
    await node.start()
    return node
  }))
  nodes.push(...rest)
  const network: TestNetwork = {
    nodes,
    root: tmp.path,
    dir,
    async restart (i, extra) {
      await nodes[i]?.stop()
      const node = await open(i, extra)
      await node.start()
      nodes[i] = node
      return node
    },
    async stop () {
      await Promise.all(nodes.map(async (n) => n.stop()))
      await tmp.remove()
    }
  }
  return network
}

/** Polls `check` until it holds; throws after `timeoutMs` with `what` in the message. */
export async function eventually (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
