// Node configuration: one defaults object, each default explained; overridden by the data dir's
// config.toml, then by environment variables, then by command-line flags.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { z } from 'zod'
import { AspError } from './errors.js'
import { PARAM_DOCS, resolveParams } from './reputation/params.js'

export const CONFIG_FILE = 'config.toml'

export class ConfigError extends AspError<'CONFIG_INVALID' | 'CONFIG_MISSING'> {
  override name = 'ConfigError'
}

const configSchema = z.strictObject({
  network: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  listen: z.array(z.string().min(1)).min(1),
  bootstrap: z.string(),
  api: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    bodyLimitBytes: z.number().int().min(1024),
    idempotencyRetentionMs: z.number().int().min(1000),
    eventRetention: z.number().int().min(100),
    eventRetentionMs: z.number().int().min(1000),
    webhookTimeoutMs: z.number().int().min(100),
    webhookBackoffMinMs: z.number().int().min(10),
    webhookBackoffMaxMs: z.number().int().min(10)
  }),
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
  disputes: z.strictObject({
    graceMs: z.number().int().min(0),
    watchdogIntervalMs: z.number().int().min(10),
    responseWindowMs: z.number().int().min(0),
    maxSkewMs: z.number().int().min(0),
    maxParked: z.number().int().min(0)
  }),
  arbiter: z.strictObject({
    enabled: z.boolean(),
    humanApproval: z.boolean()
  }),
  reputation: z.record(z.string(), z.unknown()),
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
    port: { value: 7450, doc: 'Port of the local HTTP API; 0 picks a free port (written to api.json in the data dir at start).' },
    bodyLimitBytes: { value: 65536, doc: 'Largest request body the API accepts, in bytes (larger: 413 API_BODY_TOO_LARGE).' },
    idempotencyRetentionMs: { value: 86400000, doc: 'How long the result of a request with an Idempotency-Key is kept for its retries.' },
    eventRetention: { value: 100000, doc: 'Most events kept in the event journal (SSE resumption, webhook outbox); older ones are dropped first.' },
    eventRetentionMs: { value: 604800000, doc: 'Events older than this are dropped once every webhook that wants them has them.' },
    webhookTimeoutMs: { value: 10000, doc: 'How long one webhook delivery may take before it counts as failed.' },
    webhookBackoffMinMs: { value: 1000, doc: 'First pause after a failed webhook delivery; it doubles after each failure.' },
    webhookBackoffMaxMs: { value: 300000, doc: 'Longest pause between webhook delivery attempts.' }
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
  disputes: {
    graceMs: { value: 3600000, doc: 'After an obligation owed to this org is due, how long to wait for its receipt before the node opens a dispute by itself.' },
    watchdogIntervalMs: { value: 10000, doc: 'How often the watchdog looks for obligations past due plus grace.' },
    responseWindowMs: { value: 600000, doc: 'As an arbiter: how long after a dispute opens the parties may still present evidence before this node votes.' },
    maxSkewMs: { value: 300000, doc: 'A receipt, dispute or vote dated further than this in the future is refused.' },
    maxParked: { value: 1024, doc: 'Most records held while waiting for the attestation or dispute they refer to.' }
  },
  arbiter: {
    enabled: { value: false, doc: 'Serve as an arbiter: rule on disputes of commitments that name this org, and advertise the "arbiter" capability.' },
    humanApproval: { value: false, doc: 'As an arbiter: hold each vote until a human of this org approves it.' }
  },
  reputation: Object.fromEntries(PARAM_DOCS.map((p) => [p.name, { value: p.value, doc: p.doc }])) as Record<string, Documented>,
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
  try {
    resolveParams(parsed.data.reputation)
  } catch (err) {
    throw new ConfigError('CONFIG_INVALID', `reputation: ${(err as Error).message}`, {}, { cause: err })
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
