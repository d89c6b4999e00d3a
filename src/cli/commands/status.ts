import type { NodeStatus } from '../../node.js'
import { callNode } from '../api-client.js'
import { parse, requireString } from '../args.js'

const usage = `usage: asp status --data-dir DIR [--json]

Asks the running node of DIR for its status: peer id, addresses, network, connected peers,
routing table size, log head.`

export async function run (argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'data-dir': { type: 'string' }, json: { type: 'boolean' } }, usage)
  const status = await callNode(requireString(values, 'data-dir', usage), 'GET', '/v1/status') as NodeStatus
  if (values.json === true) {
    console.log(JSON.stringify(status, null, 2))
    return 0
  }
  console.log(`peer id        ${status.peerId}`)
  console.log(`network        ${status.network}`)
  console.log(`software       ${status.software}`)
  for (const a of status.addresses) console.log(`address        ${a}`)
  console.log(`peers          ${status.connectedPeers} connected, ${status.routingTableSize} in the DHT routing table`)
  console.log(`log head       seq ${status.log.seq} ${status.log.cid ?? ''}`)
  console.log(`api            ${status.api ?? ''}`)
  return 0
}
