// Act 1: seven organizations create and start their nodes, the operators register their agents,
// and the buyer's operator sets the procurement agent's guardrails.
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Agent } from './agent.js'
import { commandLine, json, mustRun, shown } from './cli.js'
import { DemoNetwork, PEER_LIST, type DemoNode } from './network.js'
import { check, note, ok, step, waitFor } from './steps.js'

/** Who acts in the story. */
export interface Cast {
  net: DemoNetwork
  buyer: Agent
  vendorA: Agent
  vendorB: Agent
  buyerNode: DemoNode
  vendorANode: DemoNode
  vendorBNode: DemoNode
}

export const APPROVER = 'procurement-lead'
/** The buyer's agent needs its people's approval for deals above this many cents. */
export const APPROVAL_ABOVE = 1_000_000

interface Status { connectedPeers: number, routingTableSize: number }

export async function startNetwork (folder: string, options: { detached: boolean }): Promise<DemoNetwork> {
  const net = new DemoNetwork(folder)
  await step('Seven organizations create their nodes (asp init): a bootstrap node, three arbiters, a buyer, two vendors', async () => {
    const commands = await Promise.all(net.nodes.map(async (n) => n.init()))
    note(commandLine(commands[net.nodes.indexOf(net.node('buyer'))] ?? []))
    for (const n of net.nodes) note(`  ${n.name.padEnd(10)} ${n.orgId}  ${n.spec.role === 'arbiter' ? '(arbiter.enabled = true)' : ''}`.trimEnd())
    note(`Each data dir has an org key, an operator token, a signed log and a config.toml; the demo sets short
timings there ([disputes] graceMs = 1000, watchdogIntervalMs = 250, responseWindowMs = 1500) and
names ${PEER_LIST} as the peer list.`)
  })
  await step('Each node runs in its own process (asp start --data-dir DIR) on 127.0.0.1; the others bootstrap from the first', async () => {
    await net.start(options)
    for (const n of net.nodes) note(`${n.name.padEnd(10)} pid ${String(n.pid).padEnd(7)} API ${n.apiUrl}`)
    await waitFor('every node to be connected, with peers in its DHT routing table', async () => {
      const all = await Promise.all(net.nodes.map(async (n) => json<Status>(['status', '--data-dir', n.dir, '--json'])))
      return all.every((s) => s.connectedPeers >= 1 && s.routingTableSize >= 1) ? all : undefined
    }, { timeoutMs: 45_000, intervalMs: 500 })
    ok('every node is connected to the network')
  })
  return net
}

async function addAgent (node: DemoNode, name: string, folder: string): Promise<{ agent: Agent, said: string }> {
  const args = ['agent', 'add', name, '--data-dir', node.dir]
  const { stdout } = await mustRun(args)
  const token = stdout.trim()
  check(token.length > 0, `asp agent add ${name} printed no token`)
  // Kept for whoever explores the network afterwards (--keep), as the operator would hand it over.
  const file = join(folder, 'tokens', `${node.dir}-${name}.token`)
  await writeFile(file, token + '\n', { mode: 0o600 })
  return { agent: new Agent(node.name, name, node.apiUrl, token), said: `${commandLine(args)}     (token saved in tokens/${node.dir}-${name}.token)` }
}

export async function castAgents (net: DemoNetwork): Promise<Cast> {
  const buyerNode = net.node('buyer')
  const vendorANode = net.node('vendor-a')
  const vendorBNode = net.node('vendor-b')
  const cast = await step('The operators register their agents; each agent gets a token for its own node\'s API', async () => {
    await mkdir(join(net.folder, 'tokens'), { recursive: true })
    await chmod(join(net.folder, 'tokens'), 0o700)
    const added = await Promise.all([
      addAgent(buyerNode, 'procurement', net.folder),
      addAgent(vendorANode, 'sales', net.folder),
      addAgent(vendorBNode, 'sales', net.folder)
    ])
    for (const a of added) note(a.said)
    const [buyer, vendorA, vendorB] = added.map((a) => a.agent) as [Agent, Agent, Agent]
    for (const agent of [buyer, vendorA, vendorB]) {
      const me = await agent.client.call('whoami', {})
      check(me.kind === 'agent' && me.agent === agent.name, `${agent.label}'s token is not an agent token of ${agent.name}`)
    }
    ok('the three agents reach their nodes with their tokens (GET /v1/me)')
    return { net, buyer, vendorA, vendorB, buyerNode, vendorANode, vendorBNode }
  })
  await step('The buyer\'s operator sets the procurement agent\'s guardrails: deals above 10,000 EUR need a person\'s approval', async () => {
    await shown(['policy', 'set', 'procurement', '--data-dir', buyerNode.dir, '--per-deal', 'EUR:5000000', '--approve-above', `EUR:${APPROVAL_ABOVE}`, '--approver', APPROVER])
  })
  return cast
}
