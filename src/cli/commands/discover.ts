import type { DiscoveredAgent } from '../../discovery/discovery.js'
import { callNode } from '../api-client.js'
import { parse, requireString, UsageError } from '../args.js'

const usage = `usage: asp discover CAPABILITY --data-dir DIR [--json]

Finds the organizations that advertise CAPABILITY (e.g. sell:gpu-hours) through the DHT, using the
running node of DIR, and prints their verified agent cards.`

export async function run (argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'data-dir': { type: 'string' }, json: { type: 'boolean' } }, usage)
  const capability = positionals[0]
  if (capability === undefined) throw new UsageError(`name a capability\n\n${usage}`)
  const result = await callNode(requireString(values, 'data-dir', usage), 'GET', `/v1/discover?capability=${encodeURIComponent(capability)}`) as { agents: DiscoveredAgent[] }
  if (values.json === true) {
    console.log(JSON.stringify(result, null, 2))
    return 0
  }
  if (result.agents.length === 0) console.log(`nobody advertises ${capability}`)
  for (const a of result.agents) {
    console.log(`${a.org} ${a.agent}: ${a.capabilities.join(', ')}${a.summary !== '' ? ` (${a.summary})` : ''}, valid until ${new Date(a.expires).toISOString()}`)
  }
  return 0
}
