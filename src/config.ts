// Node configuration: one defaults object, each default explained; overridden by the data dir's
// config.toml, then by environment variables, then by command-line flags.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { z } from 'zod'
import { AspError } from './errors.js'

export const CONFIG_FILE = 'config.toml'

export class ConfigError extends AspError<'CONFIG_INVALID' | 'CONFIG_MISSING'> {
  override name = 'ConfigError'
}

const configSchema = z.strictObject({
  network: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  listen: z.array(z.string().min(1)).min(1),
  bootstrap: z.string(),
  api: z.strictObject({ host: z.string().min(1), port: z.number().int().min(0).max(65535) }),
  net: z.strictObject({
    maxConnections: z.number().int().min(1),
    inboundConnectionThreshold: z.number().int().min(1),
    maxFrameBytes: z.number().int().min(1024),
    readTimeoutMs: z.number().int().min(10),
    maxStreamsPerPeer: z.number().int().min(1),
    bootstrapIntervalMs: z.number().int().min(100),
    maxInFlightPerPeer: z.number().int().min(1),
    channelIdleMs: z.number().int().min(100)
  }),
  dht: z.strictObject({
    queryTimeoutMs: z.number().int().min(100),
    reprovideIntervalMs: z.number().int().min(1000),
    initialQuerySelfIntervalMs: z.number().int().min(0)
  }),
  gossip: z.strictObject({
    headIntervalMs: z.number().int().min(100)
  }),
  sync: z.strictObject({
    pageSize: z.number().int().min(1).max(1000),
    intervalMs: z.number().int().min(100)
  }),
  session: z.strictObject({
    messagesPerSecond: z.number().positive(),
    messageBurst: z.number().int().min(1)
  })
})

export type NodeConfig = z.infer<typeof configSchema>

interface Documented { value: unknown, doc: string }

/** Every default, with the comment written beside it in config.toml. */
const defaults = {
  network: { value: 'devnet', doc: 'The network this node belongs to. It separates networks in the DHT protocol id and the gossip topic names.' },
  listen: { value: ['/ip4/0.0.0.0/tcp/4001'], doc: 'libp2p listen multiaddrs. Use /ip4/127.0.0.1/tcp/0 for a local test node (any free port).' },
  bootstrap: { value: '', doc: 'Peer list file (JSON: {"network", "peers": [multiaddr with /p2p/...]}), relative to the data dir or absolute. Empty: the shipped bootstrap/<network>.json.' },
  api: {
    host: { value: '127.0.0.1', doc: 'The local HTTP API for agents and operators. Keep it on loopback: agents run beside their node.' },
    port: { value: 7450, doc: 'Port of the local HTTP API; 0 picks a free port (written to api.json in the data dir at start).' }
  },
  net: {
    maxConnections: { value: 300, doc: 'Most open libp2p connections.' },
    inboundConnectionThreshold: { value: 100, doc: 'Most inbound connections per second from one host. libp2p\'s default of 5 drops local devnets, where every node is one host.' },
    maxFrameBytes: { value: 1048576, doc: 'Largest frame accepted on ASP streams (sync, cards), in bytes.' },
    readTimeoutMs: { value: 10000, doc: 'How long an ASP stream may wait for the next frame before it is reset.' },
    maxStreamsPerPeer: { value: 8, doc: 'Most concurrent inbound streams per peer and ASP protocol.' },
    bootstrapIntervalMs: { value: 30000, doc: 'While no peer is connected, how often to dial the bootstrap peers again.' },
    maxInFlightPerPeer: { value: 256, doc: 'Most session requests in flight with one peer, each way, on its long-lived channel: beyond it this node queues its own and answers the peer\'s with NET_BUSY.' },
    channelIdleMs: { value: 30000, doc: 'A session channel (one long-lived stream per peer) with nothing in flight is closed after this long; the next message opens a new one.' }
  },
  dht: {
    queryTimeoutMs: { value: 10000, doc: 'Every DHT query (provide, findProviders) is abandoned after this long.' },
    reprovideIntervalMs: { value: 3600000, doc: 'How often this node re-announces its agents\' capabilities in the DHT.' },
    initialQuerySelfIntervalMs: { value: 1000, doc: 'Delay before the DHT\'s first self-query after start; queries wait for it.' }
  },
  gossip: {
    headIntervalMs: { value: 60000, doc: 'How often this node gossips its signed log head.' }
  },
  sync: {
    pageSize: { value: 256, doc: 'Most records in one page of catch-up sync.' },
    intervalMs: { value: 300000, doc: 'How often to catch up with a connected peer (also on connect).' }
  },
  session: {
    messagesPerSecond: { value: 500, doc: 'Session messages accepted from one peer per second, on average (token bucket); more are refused with SESSION_RATE_LIMITED and change nothing.' },
    messageBurst: { value: 1000, doc: 'Session messages one peer may send at once before messagesPerSecond applies (the token bucket\'s size).' }
  }
} as const

function valuesOf (node: unknown): unknown {
  if (typeof node === 'object' && node !== null && 'value' in node && 'doc' in node) return (node as Documented).value
  return Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, valuesOf(v)]))
}

export function defaultConfig (): NodeConfig {
  return structuredClone(valuesOf(defaults)) as NodeConfig
}

/** config.toml with every default written out and commented; `overrides` are written in their place. */
export function renderConfig (overrides: Partial<Pick<NodeConfig, 'network' | 'listen' | 'bootstrap'>> & { apiPort?: number } = {}): string {
  const lines = ['# ASP node configuration. Every setting is shown with its default or the value given at init.',
    '# Environment variables override this file (see docs), and command-line flags override both.', '']
  const value = (path: string[], v: unknown): unknown => {
    const key = path.join('.')
    if (key === 'network' && overrides.network !== undefined) return overrides.network
    if (key === 'listen' && overrides.listen !== undefined) return overrides.listen
    if (key === 'bootstrap' && overrides.bootstrap !== undefined) return overrides.bootstrap
    if (key === 'api.port' && overrides.apiPort !== undefined) return overrides.apiPort
    return v
  }
  const emit = (path: string[], name: string, node: Documented): void => {
    lines.push(`# ${node.doc}`, `${name} = ${JSON.stringify(value([...path, name], node.value))}`, '')
  }
  const sections: Array<[string, Record<string, Documented>]> = []
  for (const [name, node] of Object.entries(defaults)) {
    if ('value' in node) emit([], name, node as Documented)
    else sections.push([name, node as unknown as Record<string, Documented>])
  }
  for (const [section, entries] of sections) {
    lines.push(`[${section}]`)
    for (const [name, node] of Object.entries(entries)) emit([section], name, node)
  }
  return lines.join('\n')
}

/** Environment variables that override config.toml. */
export const ENVIRONMENT = {
  ASP_NETWORK: 'network',
  ASP_LISTEN: 'listen (comma-separated multiaddrs)',
  ASP_BOOTSTRAP: 'bootstrap',
  ASP_API_PORT: 'api.port'
} as const

export async function loadConfig (dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<NodeConfig> {
  let text: string
  try {
    text = await readFile(join(dataDir, CONFIG_FILE), 'utf8')
  } catch (err) {
    throw new ConfigError('CONFIG_MISSING', `no ${CONFIG_FILE} in ${dataDir}; run "asp init --data-dir ${dataDir}"`, {}, { cause: err })
  }
  let fromFile: Record<string, unknown>
  try {
    fromFile = parseToml(text) as Record<string, unknown>
  } catch (err) {
    throw new ConfigError('CONFIG_INVALID', `${CONFIG_FILE}: ${(err as Error).message}`, {}, { cause: err })
  }
  const merged = merge(defaultConfig() as unknown as Record<string, unknown>, fromFile) as Record<string, unknown>
  if (env.ASP_NETWORK !== undefined) merged.network = env.ASP_NETWORK
  if (env.ASP_LISTEN !== undefined) merged.listen = env.ASP_LISTEN.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  if (env.ASP_BOOTSTRAP !== undefined) merged.bootstrap = env.ASP_BOOTSTRAP
  if (env.ASP_API_PORT !== undefined) (merged.api as Record<string, unknown>).port = Number(env.ASP_API_PORT)
  return validateConfig(merged)
}

export function validateConfig (value: unknown): NodeConfig {
  const parsed = configSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConfigError('CONFIG_INVALID', `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, { issues: parsed.error.issues })
  }
  return parsed.data
}

function merge (base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const b = base[k]
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof b === 'object' && b !== null && !Array.isArray(b)
      ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
      : v
  }
  return out
}
