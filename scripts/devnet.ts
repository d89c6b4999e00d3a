// npm run devnet -- --nodes N [--dir DIR] [--base-port P]: creates N node data dirs for a local
// devnet on 127.0.0.1 with fixed ports, and writes the peer list that lets them find each other
// (DIR/bootstrap.json, listing node 0 and node 1 as bootstrap nodes). Then start each with
// `npx asp start --data-dir DIR/nodeI`.
import '../src/polyfill.js'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { initDataDir } from '../src/datadir.js'

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' }, dir: { type: 'string', default: 'devnet' }, 'base-port': { type: 'string', default: '47100' } } })
const count = Number(values.nodes)
const basePort = Number(values['base-port'])
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(basePort)) throw new Error('--nodes and --base-port take whole numbers')
const root = resolve(values.dir ?? 'devnet')
await mkdir(root, { recursive: true })
const bootstrapFile = join(root, 'bootstrap.json')
const peers: string[] = []
for (let i = 0; i < count; i++) {
  const dataDir = join(root, `node${i}`)
  const port = basePort + 2 * i
  const key = await initDataDir(dataDir, { network: 'devnet', listen: [`/ip4/127.0.0.1/tcp/${port}`], bootstrap: bootstrapFile, apiPort: port + 1 })
  // The first two nodes act as bootstrap nodes: two, so the network survives either being down.
  if (i < 2) peers.push(`/ip4/127.0.0.1/tcp/${port}/p2p/${key.orgId}`)
  console.log(`${dataDir}: ${key.orgId}, libp2p port ${port}, API port ${port + 1}`)
}
await writeFile(bootstrapFile, JSON.stringify({ network: 'devnet', description: `local devnet of ${count} nodes`, peers }, null, 2) + '\n')
console.log(`wrote ${bootstrapFile}\nstart each node with: npx asp start --data-dir ${join(root, 'node<i>')}`)
