import { callNode } from '../api-client.js'
import { optionalInt, parse, requireString, UsageError } from '../args.js'

const usage = `usage: asp card publish --data-dir DIR --agent NAME --capability CAP [--capability CAP...] [--summary TEXT] [--ttl SECONDS]
       asp card list --data-dir DIR

Publishes (signs, records, gossips and advertises in the DHT) an agent card through the running node.`

export async function run (argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  const { values } = parse(rest, {
    'data-dir': { type: 'string' },
    agent: { type: 'string' },
    capability: { type: 'string', multiple: true },
    summary: { type: 'string' },
    ttl: { type: 'string' }
  }, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  if (sub === 'list') {
    console.log(JSON.stringify(await callNode(dataDir, 'GET', '/v1/cards'), null, 2))
    return 0
  }
  if (sub !== 'publish') throw new UsageError(usage)
  const card = await callNode(dataDir, 'POST', '/v1/cards', {
    agent: requireString(values, 'agent', usage),
    capabilities: values.capability ?? [],
    summary: values.summary ?? '',
    ttlSeconds: optionalInt(values, 'ttl', usage)
  }) as { cid: string, seq: number, agent: string }
  console.log(`published card ${card.agent} seq ${card.seq} (${card.cid})`)
  return 0
}
