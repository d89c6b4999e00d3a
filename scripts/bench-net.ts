// npm run bench:net [-- --json] [--nodes N] [--rounds N]: network figures of real nodes on
// 127.0.0.1 in one process. The baseline is a raw libp2p request/response round trip on an open
// stream; beside it the ASP request/response framing (one stream per request), gossip
// publish-to-all-received latency, DHT findProviders plus card fetch, and RSS per node.
import '../src/polyfill.js'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { TopicValidatorFn } from '@libp2p/gossipsub'
import { defaultConfig, type NodeConfig } from '../src/config.js'
import { initDataDir } from '../src/datadir.js'
import { routingTableSize } from '../src/net/libp2p.js'
import { CARD_PROTOCOL, topicFor } from '../src/net/protocols.js'
import { request } from '../src/net/rpc.js'
import type { AspNode } from '../src/node.js'
import { agentCardKind, type AgentCard } from '../src/records/kinds/index.js'
import { signRecord, type SignedRecord } from '../src/records/record.js'
import { eventually, startNetwork, type TestNetwork } from '../test/helpers/network.js'
import { rawRoundTrips } from './bench/raw-stream.js'
import { print, type Row } from './bench/report.js'
import { percentile, summary } from './bench/stats.js'

const { values } = parseArgs({ options: { json: { type: 'boolean' }, nodes: { type: 'string', default: '10' }, rounds: { type: 'string' } } })
const json = values.json === true
const nodeCount = Number(values.nodes)
const gossipCount = values.rounds === undefined ? 30 : Number(values.rounds)
const discoverRounds = values.rounds === undefined ? 20 : Number(values.rounds)
if (!Number.isInteger(nodeCount) || nodeCount < 3) throw new Error('--nodes must be an integer of at least 3')
if (!Number.isInteger(gossipCount) || gossipCount < 1) throw new Error('--rounds must be a positive integer')

const RAW_WARMUP = 200
const RAW_TRIPS = 2000
const RPC_WARMUP = 50
const RPC_REQUESTS = 500
const CAPABILITY = 'sell:bench-gpu-hours'
const TOPIC = topicFor('devnet', 'agent-card')
const GOSSIP_TIMEOUT_MS = 10_000
const DISCOVER_TIMEOUT_MS = 15_000

const progress = (text: string): void => { if (!json) process.stderr.write(`${text}\n`) }
const sleep = async (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const gc = (globalThis as { gc?: () => void }).gc
const MiB = 2 ** 20

/** RSS in MiB after a full gc (when --expose-gc) and a moment for the allocator to return pages. */
async function rss (): Promise<number> {
  gc?.()
  await sleep(200)
  gc?.()
  return process.memoryUsage().rss / MiB
}

/** RSS of a bare Node process (same binary and flags, nothing imported), for reference. */
function bareNodeRss (): number {
  const script = 'globalThis.gc?.(); process.stdout.write(String(process.memoryUsage().rss))'
  return Number(execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', timeout: 10_000 })) / MiB
}

/** Gossip mesh peers of a node on the agent-card topic (on the GossipSub class, not its interface type). */
function meshPeers (node: AspNode): number {
  return (node.peer.services.pubsub as unknown as { getMeshPeers: (topic: string) => string[] }).getMeshPeers(TOPIC).length
}

async function withTimeout<T> (what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([work, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms) })])
  } finally {
    clearTimeout(timer)
  }
}

/** ASP requests over the rpc framing (a new stream per request, as /asp/card/1.0.0 does), each in ms. */
async function rpcRequests (client: AspNode, server: AspNode): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < RPC_WARMUP + RPC_REQUESTS; i++) {
    const t = performance.now()
    const answer = await request(client.peer, server.peerId, CARD_PROTOCOL, { network: client.config.network }, client.config.net) as { cards?: unknown[] }
    const dt = performance.now() - t
    if (!Array.isArray(answer.cards) || answer.cards.length === 0) throw new Error('the card server answered without cards')
    if (i >= RPC_WARMUP) times.push(dt)
  }
  return times
}

/** Cards signed ahead of time, so a gossip round times gossip alone (no signing, no DHT). */
function signCards (node: AspNode, count: number, firstSeq: number): Array<SignedRecord<AgentCard>> {
  const addresses = node.peer.getMultiaddrs().map((a) => a.toString()).slice(0, 16)
  return Array.from({ length: count }, (_, i) => signRecord(agentCardKind, {
    v: 1,
    org: node.key.orgId,
    agent: 'bench-gossip',
    capabilities: ['sell:bench-gossip'],
    summary: `gossip round ${i}`,
    addresses,
    expires: Date.now() + 3_600_000,
    seq: firstSeq + i
  }, node.key.signer))
}

interface GossipRound {
  /** Publish to arrival on the last receiver, ms (the figure); undefined if some never got it. */
  max?: number
  /** Publish to arrival on each receiver that got it, ms. */
  arrivals: number[]
  /** Publish to the message reaching the last receiver's topic validator, ms (before checks and storage). */
  deliveredMax?: number
  missing: number
}

/** Receivers by index that a message reached, and when: filled by the validator taps below. */
let deliveries: { bytes: Uint8Array, at: Map<number, number> } | undefined

/**
 * Wraps each receiver's agent-card topic validator (the node's own, which checks and stores the
 * record) to note when a message first reaches it, that is, off the wire and through gossipsub but
 * before the signature check and the durable log append. Returns a function that restores them.
 */
function tapValidators (receivers: AspNode[]): () => void {
  const restore = receivers.map((node, i) => {
    const validators = node.peer.services.pubsub.topicValidators
    const original = validators.get(TOPIC)
    if (original === undefined) throw new Error('no agent-card topic validator to time')
    const tap: TopicValidatorFn = async (source, message) => {
      const d = deliveries
      if (d !== undefined && !d.at.has(i) && Buffer.from(message.data).equals(d.bytes)) d.at.set(i, performance.now())
      return original(source, message)
    }
    validators.set(TOPIC, tap)
    return () => { if (validators.get(TOPIC) === tap) validators.set(TOPIC, original) }
  })
  return () => { for (const r of restore) r() }
}

/** Publishes one card and waits, by onAccepted events, until every receiver has stored it. */
async function gossipRound (publisher: AspNode, receivers: AspNode[], card: SignedRecord<AgentCard>): Promise<GossipRound> {
  const cid = card.cid.toString()
  const arrived = new Map<number, number>()
  let allIn!: () => void
  const done = new Promise<void>((resolve) => { allIn = resolve })
  const unsubscribe = receivers.map((node, i) => node.records.onAccepted((kind, record) => {
    if (kind !== 'agent-card' || arrived.has(i) || record.cid.toString() !== cid) return
    arrived.set(i, performance.now())
    if (arrived.size === receivers.length) allIn()
  }))
  const timer = setTimeout(allIn, GOSSIP_TIMEOUT_MS)
  const delivered = new Map<number, number>()
  deliveries = { bytes: card.bytes, at: delivered }
  const t = performance.now()
  try {
    await publisher.gossip.publish('agent-card', card)
    await done
  } finally {
    clearTimeout(timer)
    deliveries = undefined
    for (const off of unsubscribe) off()
  }
  const arrivals = [...arrived.values()].map((at) => at - t)
  const missing = receivers.length - arrived.size
  return {
    max: missing === 0 ? Math.max(...arrivals) : undefined,
    deliveredMax: delivered.size === receivers.length ? Math.max(...[...delivered.values()].map((at) => at - t)) : undefined,
    arrivals,
    missing
  }
}

async function gossipRounds (label: string, publisher: AspNode, receivers: AspNode[], cards: Array<SignedRecord<AgentCard>>): Promise<{ max: number[], delivered: number[], arrivals: number[], incomplete: number }> {
  const max: number[] = []
  const delivered: number[] = []
  const arrivals: number[] = []
  let incomplete = 0
  for (const [i, card] of cards.entries()) {
    const round = await gossipRound(publisher, receivers, card)
    arrivals.push(...round.arrivals)
    if (round.deliveredMax !== undefined) delivered.push(round.deliveredMax)
    if (round.max === undefined) {
      incomplete++
      progress(`  ${label} round ${i}: ${round.missing} of ${receivers.length} nodes did not store the card within ${GOSSIP_TIMEOUT_MS} ms`)
    } else {
      max.push(round.max)
    }
    await sleep(20) // let the duplicates that are still travelling settle before the next round
  }
  return { max, delivered, arrivals, incomplete }
}

// The test network's config (port 0, fast DHT start, short timeouts), except for the background
// tasks: test intervals (a head every second, a sync with every peer every 2 s) keep 10 nodes in
// one process busy and put their work into every tail. Here they run at the shipped defaults.
const shipped = defaultConfig()
const quietBackground = (config: NodeConfig): void => {
  config.gossip.headIntervalMs = shipped.gossip.headIntervalMs
  config.sync.intervalMs = shipped.sync.intervalMs
}

let net: TestNetwork | undefined
try {
  // RSS: the empty process (everything imported), then node 0 alone, then all nodes.
  const rssEmpty = await rss()
  progress(`starting node 0 (RSS before: ${rssEmpty.toFixed(1)} MiB${gc === undefined ? '; no --expose-gc, RSS is read without a gc' : ''})`)
  net = await startNetwork(1, { config: quietBackground })
  await sleep(800)
  const rssFirst = await rss()
  progress(`starting ${nodeCount - 1} more nodes, bootstrapping from node 0`)
  // startNetwork(n) starts node 0 and then the rest with no pause in between; to read the RSS of
  // node 0 alone, the others are created here in the same way (a data dir whose bootstrap file is
  // the one startNetwork wrote for node 0) and started through restart(i), which opens node i from
  // its data dir with the same fast test config and adds it to net.nodes (and so to net.stop()).
  const network = net
  const rest = Array.from({ length: nodeCount - 1 }, (_, i) => i + 1)
  for (const i of rest) await initDataDir(network.dir(i), { network: 'devnet', bootstrap: join(network.root, 'bootstrap.json') })
  await Promise.all(rest.map(async (i) => network.restart(i)))
  const nodes = network.nodes
  if (nodes.length !== nodeCount) throw new Error(`expected ${nodeCount} nodes, have ${nodes.length}`)

  progress('waiting for connections, routing tables and gossip meshes')
  await eventually('every node connected, with a non-empty routing table', () =>
    nodes.every((n) => n.peer.getPeers().length > 0 && routingTableSize(n.peer) > 0), 30_000)
  await eventually('every node has a gossip mesh peer for agent cards', () =>
    nodes.every((n) => meshPeers(n) > 0), 30_000)
  await sleep(1000)
  const rssAll = await rss()
  progress(`RSS: modules loaded ${rssEmpty.toFixed(1)} MiB, node 0 ${rssFirst.toFixed(1)} MiB, ${nodeCount} nodes ${rssAll.toFixed(1)} MiB`)

  const [hub, second] = nodes as [AspNode, AspNode, ...AspNode[]]
  const leaf = nodes[nodeCount - 1]!

  // 1. Raw libp2p round trip on an open stream: the baseline.
  progress(`raw libp2p round trips: ${RAW_WARMUP} warm-up, ${RAW_TRIPS} timed, 64 bytes, one open stream node 0 -> node 1`)
  const raw = summary(await withTimeout('raw round trips', 120_000, rawRoundTrips(hub, second, RAW_WARMUP, RAW_TRIPS)))

  // Cards for the DHT part (and for node 1 to serve over /asp/card/1.0.0): publishCard signs, gossips
  // and provides. The advertisers are nodes 1..3 (fewer on small networks); the others search.
  const advertisers = nodes.slice(1, 1 + Math.min(3, nodeCount - 2))
  progress(`publishCard with ${CAPABILITY} on ${advertisers.length} nodes (sign, gossip, DHT provide)`)
  const publishTimes: number[] = []
  for (const node of advertisers) {
    const t = performance.now()
    await node.publishCard({ agent: 'bench-sales', capabilities: [CAPABILITY], summary: 'bench-net advertiser', ttlMs: 3_600_000 }, { signal: AbortSignal.timeout(DISCOVER_TIMEOUT_MS) })
    publishTimes.push(performance.now() - t)
  }

  // 2. ASP request/response over the rpc framing.
  progress(`ASP card requests: ${RPC_WARMUP} warm-up, ${RPC_REQUESTS} timed, node 0 -> node 1, a new stream each`)
  const rpc = summary(await withTimeout('ASP card requests', 120_000, rpcRequests(hub, second)))

  // 3. Gossip publish-to-all-received: from node 0 (every node bootstrapped from it) and from the
  // last node (it met the others through DHT queries; its mesh is smaller, but gossipsub's
  // floodPublish sends a node's own messages to every subscribed peer it is connected to).
  const pubsubOf = (n: AspNode): { peers: number, mesh: number, subscribers: number } => ({
    peers: n.peer.getPeers().length,
    mesh: meshPeers(n),
    subscribers: n.peer.services.pubsub.getSubscribers(TOPIC).length
  })
  progress('gossip warm-up: one card from each publisher must reach every node')
  const hubCards = signCards(hub, gossipCount + 1, 1)
  const leafCards = signCards(leaf, gossipCount + 1, 1)
  for (const [label, publisher, card] of [['node 0', hub, hubCards.shift()!], [`node ${nodeCount - 1}`, leaf, leafCards.shift()!]] as const) {
    const warm = await gossipRound(publisher, nodes.filter((n) => n !== publisher), card)
    if (warm.missing > 0) throw new Error(`gossip warm-up from ${label}: ${warm.missing} nodes never stored the card`)
  }
  const hubTopology = pubsubOf(hub)
  const leafTopology = pubsubOf(leaf)
  progress(`gossip from node 0 (${hubTopology.peers} peers, ${hubTopology.mesh} in its mesh): ${gossipCount} rounds`)
  let untap = tapValidators(nodes.filter((n) => n !== hub))
  const gossipHub = await gossipRounds('node 0', hub, nodes.filter((n) => n !== hub), hubCards).finally(untap)
  progress(`gossip from node ${nodeCount - 1} (${leafTopology.peers} peers, ${leafTopology.mesh} in its mesh): ${gossipCount} rounds`)
  untap = tapValidators(nodes.filter((n) => n !== leaf))
  const gossipLeaf = await gossipRounds(`node ${nodeCount - 1}`, leaf, nodes.filter((n) => n !== leaf), leafCards).finally(untap)

  // 4. DHT findProviders plus card fetch, from the nodes that do not advertise, in turn.
  const searchers = nodes.filter((n) => !advertisers.includes(n))
  const discoverOnce = async (searcher: AspNode): Promise<{ ms: number, found: number }> => {
    const t = performance.now()
    const found = await searcher.discover(CAPABILITY, { signal: AbortSignal.timeout(DISCOVER_TIMEOUT_MS) })
    return { ms: performance.now() - t, found: found.length }
  }
  progress(`discover warm-up: each of ${searchers.length} searchers once, until it finds all ${advertisers.length} advertisers`)
  const firstLookups: number[] = []
  for (const searcher of searchers) {
    let first: number | undefined
    await eventually('a searcher finds every advertiser', async () => {
      const once = await discoverOnce(searcher)
      first ??= once.ms
      return once.found === advertisers.length
    }, 30_000)
    firstLookups.push(first!)
  }
  progress(`discover: ${discoverRounds} rounds over ${searchers.length} searchers`)
  const discoverTimes: number[] = []
  let discoverShort = 0
  for (let i = 0; i < discoverRounds; i++) {
    const once = await discoverOnce(searchers[i % searchers.length]!)
    discoverTimes.push(once.ms)
    if (once.found !== advertisers.length) discoverShort++
  }
  const discover = summary(discoverTimes)
  const rssEnd = await rss()

  const hubMax = summary(gossipHub.max)
  const leafMax = summary(gossipLeaf.max)
  const hubDelivered = summary(gossipHub.delivered)
  const leafDelivered = summary(gossipLeaf.delivered)
  const rssBare = bareNodeRss()
  const firstNode = rssFirst - rssEmpty
  const perNode = (rssAll - rssFirst) / (nodeCount - 1)
  const receivers = nodeCount - 1
  const rows: Row[] = [
    { name: 'raw libp2p round trip, open stream, 64 B (p50)', value: raw.p50, unit: 'µs' },
    { name: 'raw libp2p round trip, open stream, 64 B (p99)', value: raw.p99, unit: 'µs' },
    { name: 'ASP card request, new stream each (p50)', value: rpc.p50, unit: 'ms', baseline: { name: 'raw round trip p50', value: raw.p50 / 1000 } },
    { name: 'ASP card request, new stream each (p99)', value: rpc.p99, unit: 'ms', baseline: { name: 'raw round trip p99', value: raw.p99 / 1000 } },
    { name: `gossip from node 0 (${hubTopology.peers} peers): all ${receivers} validators reached (p50)`, value: hubDelivered.p50, unit: 'ms' },
    { name: `gossip from node 0 (${hubTopology.peers} peers): all ${receivers} stored it (p50)`, value: hubMax.p50, unit: 'ms' },
    { name: `gossip from node 0 (${hubTopology.peers} peers): all ${receivers} stored it (p99)`, value: hubMax.p99, unit: 'ms' },
    { name: `gossip from node ${nodeCount - 1} (${leafTopology.peers} peers): all ${receivers} validators reached (p50)`, value: leafDelivered.p50, unit: 'ms' },
    { name: `gossip from node ${nodeCount - 1} (${leafTopology.peers} peers): all ${receivers} stored it (p50)`, value: leafMax.p50, unit: 'ms' },
    { name: `gossip from node ${nodeCount - 1} (${leafTopology.peers} peers): all ${receivers} stored it (p99)`, value: leafMax.p99, unit: 'ms' },
    { name: `discover: findProviders + ${advertisers.length} card fetches (p50)`, value: discover.p50, unit: 'ms', baseline: { name: 'ASP card request p50', value: rpc.p50 } },
    { name: `discover: findProviders + ${advertisers.length} card fetches (p99)`, value: discover.p99, unit: 'ms' },
    { name: 'RSS of a bare Node process (separate, reference)', value: rssBare, unit: 'MiB' },
    { name: 'RSS with the modules loaded, before any node', value: rssEmpty, unit: 'MiB' },
    { name: 'RSS with the first node (process total)', value: rssFirst, unit: 'MiB' },
    { name: 'RSS added by the first node', value: firstNode, unit: 'MiB' },
    { name: `RSS added per further node (${nodeCount - 1} nodes)`, value: perNode, unit: 'MiB' },
    { name: `RSS with ${nodeCount} nodes, after the runs`, value: rssEnd, unit: 'MiB' }
  ]
  const notes = [
    `network: ${nodeCount} nodes on 127.0.0.1 in one process, nodes 1..${nodeCount - 1} bootstrapped from node 0; test config with head gossip and sync at the shipped intervals (${shipped.gossip.headIntervalMs / 1000} s, ${shipped.sync.intervalMs / 1000} s); ${gc === undefined ? 'no gc before RSS reads (run with node --expose-gc)' : 'gc before each RSS read'}`,
    `gossip: from publish (of a pre-signed card) until the last of the ${receivers} other nodes stored it (onAccepted: signature checked, durably appended to its log; forwarding does not wait for that write), and until the message reached the last one's topic validator (before those checks); ${gossipCount} rounds per publisher, so p99 is about the max`,
    `gossip from node 0: ${hubTopology.peers} peers, ${hubTopology.mesh} mesh peers, ${hubTopology.subscribers} subscribers; ${gossipHub.incomplete} incomplete rounds; per-node arrival p50 ${percentile(gossipHub.arrivals, 50).toFixed(2)} ms`,
    `gossip from node ${nodeCount - 1}: ${leafTopology.peers} peers, ${leafTopology.mesh} mesh peers, ${leafTopology.subscribers} subscribers; ${gossipLeaf.incomplete} incomplete rounds; per-node arrival p50 ${percentile(gossipLeaf.arrivals, 50).toFixed(2)} ms`,
    `discover: ${discoverRounds} rounds from ${searchers.length} non-advertising nodes in turn, ${discoverShort} found fewer than ${advertisers.length}; first lookup per searcher p50 ${percentile(firstLookups, 50).toFixed(1)} ms, max ${Math.max(...firstLookups).toFixed(1)} ms`,
    `publishCard (sign, gossip, DHT provide) p50 ${percentile(publishTimes, 50).toFixed(1)} ms over ${publishTimes.length}`,
    'spike reference (this machine, earlier): raw round trip ~81 µs; gossip to 4 peers ~1.4 ms; RSS ~89 MiB first node, 6-8 MiB each further node'
  ]
  print('bench:net', rows, json, {
    nodes: nodeCount,
    gc: gc !== undefined,
    raw: { ...raw, unit: 'µs', warmup: RAW_WARMUP, payloadBytes: 64 },
    rpc: { ...rpc, unit: 'ms', warmup: RPC_WARMUP, protocol: CARD_PROTOCOL },
    gossip: {
      unit: 'ms',
      rounds: gossipCount,
      receivers,
      fromHub: { ...hubTopology, stored: hubMax, delivered: hubDelivered, incomplete: gossipHub.incomplete, arrivalP50: percentile(gossipHub.arrivals, 50) },
      fromLeaf: { ...leafTopology, stored: leafMax, delivered: leafDelivered, incomplete: gossipLeaf.incomplete, arrivalP50: percentile(gossipLeaf.arrivals, 50) }
    },
    discover: { ...discover, unit: 'ms', advertisers: advertisers.length, searchers: searchers.length, short: discoverShort, firstLookupP50: percentile(firstLookups, 50), firstLookupMax: Math.max(...firstLookups), publishCardMs: publishTimes },
    rssMiB: { bareNode: rssBare, modulesLoaded: rssEmpty, firstNodeTotal: rssFirst, allNodesTotal: rssAll, afterRuns: rssEnd, firstNode, perFurtherNode: perNode },
    notes
  })
  if (!json) console.log(notes.map((n) => `- ${n}`).join('\n') + '\n')
} finally {
  progress('stopping the network')
  await net?.stop()
}
