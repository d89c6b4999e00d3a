// One organization's node: wires the log, the libp2p peer, discovery, gossip, sync and the local
// API; starts them in dependency order and stops them in reverse. Every background task takes the
// node's shutdown signal.
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { startApi, type Api } from './api/server.js'
import { VerifiedSignatures } from './records/verify-memo.js'
import { systemClock, type Clock } from './clock.js'
import { loadConfig, type NodeConfig } from './config.js'
import { API_FILE, loadOrgKey, logPath, readOperatorToken, type OrgKey } from './datadir.js'
import { CardBook, type CardInput } from './discovery/card-book.js'
import { Discovery, type DiscoveredAgent } from './discovery/discovery.js'
import { Gossip } from './gossip/gossip.js'
import { HeadBook } from './gossip/head-book.js'
import { PublicRecords } from './gossip/public-records.js'
import { Log } from './log/log.js'
import { keepBootstrapped, loadPeerList, sleep } from './net/bootstrap.js'
import { createPeer, routingTableSize, type Peer } from './net/libp2p.js'
import { SYNC_PROTOCOL } from './net/protocols.js'
import { Guardrails } from './policy/guardrails.js'
import { SessionManager } from './session/manager.js'
import { Consequences } from './commitments/consequences.js'
import { Arbiter } from './disputes/arbiter.js'
import { serveEvidence } from './disputes/evidence-protocol.js'
import { Watchdog } from './disputes/watchdog.js'
import type { NodeReputation } from './reputation/node-view.js'
import { reputationFromLog } from './reputation/load.js'
import { Sync } from './sync/sync.js'
import type { AgentCard } from './records/kinds/index.js'
import type { SignedRecord } from './records/record.js'
import { SOFTWARE } from './version.js'

const trace = logger('asp:node')

export interface NodeOptions {
  clock?: Clock
  /** Applied to the loaded config (tests: fast intervals, port 0). */
  config?: (config: NodeConfig) => void
  /** Start the local HTTP API. @default true */
  api?: boolean
}

export interface NodeStatus {
  software: string
  peerId: string
  network: string
  addresses: string[]
  connectedPeers: number
  routingTableSize: number
  log: { seq: number, cid: string | null }
  api: string | null
}

export class AspNode {
  readonly dataDir: string
  readonly config: NodeConfig
  readonly key: OrgKey
  readonly clock: Clock
  private readonly options: NodeOptions
  private parts?: {
    log: Log
    peer: Peer
    cards: CardBook
    records: PublicRecords
    heads: HeadBook
    gossip: Gossip
    discovery: Discovery
    sync: Sync
    sessions: SessionManager
    guardrails: Guardrails
    consequences: Consequences
    reputation: NodeReputation
    watchdog: Watchdog
    arbiter: Arbiter
    api?: Api
  }

  private shutdown = new AbortController()
  private background: Array<Promise<void>> = []
  private stopping: Promise<void> | null = null

  private constructor (dataDir: string, config: NodeConfig, key: OrgKey, options: NodeOptions) {
    this.dataDir = dataDir
    this.config = config
    this.key = key
    this.clock = options.clock ?? systemClock
    this.options = options
  }

  static async open (dataDir: string, options: NodeOptions = {}): Promise<AspNode> {
    const config = await loadConfig(dataDir)
    options.config?.(config)
    return new AspNode(dataDir, config, await loadOrgKey(dataDir), options)
  }

  get peerId (): PeerId {
    return this.started.peer.peerId
  }

  private get started (): NonNullable<AspNode['parts']> {
    if (this.parts === undefined) throw new Error('the node is not started')
    return this.parts
  }

  get log (): Log {
    return this.started.log
  }

  get peer (): Peer {
    return this.started.peer
  }

  get heads (): HeadBook {
    return this.started.heads
  }

  get records (): PublicRecords {
    return this.started.records
  }

  get gossip (): Gossip {
    return this.started.gossip
  }

  get sessions (): SessionManager {
    return this.started.sessions
  }

  get guardrails (): Guardrails {
    return this.started.guardrails
  }

  get consequences (): Consequences {
    return this.started.consequences
  }

  get reputation (): NodeReputation {
    return this.started.reputation
  }

  get watchdog (): Watchdog {
    return this.started.watchdog
  }

  get arbiter (): Arbiter {
    return this.started.arbiter
  }

  get apiUrl (): string | null {
    return this.parts?.api?.url ?? null
  }

  async start (): Promise<void> {
    if (this.parts !== undefined) return
    const peerList = await loadPeerList(this.dataDir, this.config)
    const log = await Log.open(logPath(this.dataDir), this.key.signer, { clock: this.clock })
    try {
      const cards = new CardBook(log, this.key.signer, this.clock)
      // One memory of verified signatures for the node: a COMMIT's is checked in its session and again in its attestation.
      const signatures = new VerifiedSignatures()
      const records = new PublicRecords(log, this.clock, signatures)
      await cards.load()
      await records.load()
      const guardrails = await Guardrails.open({ dataDir: this.dataDir, log, signer: this.key.signer, clock: this.clock })
      const peer = await createPeer(this.key.privateKey, this.config)
      const heads = new HeadBook()
      const gossip = new Gossip(peer, this.config.network, records, heads, log)
      const discovery = new Discovery(peer, cards, this.config, this.clock)
      const sync = new Sync(peer, log, records, this.config, this.dataDir)
      const sessions = new SessionManager(peer, log, this.key.signer, this.config, this.clock, signatures)
      guardrails.attach(sessions)
      const consequences = new Consequences(log, records, gossip, sessions, this.key.signer, this.config, this.clock)
      const reputation = await this.loadReputation(log, records)
      const watchdog = new Watchdog(consequences, log.author, this.clock, this.config.disputes.graceMs)
      const arbiter = new Arbiter(consequences, peer, this.key.signer, log.author, this.config, this.clock, guardrails.approvals)
      await consequences.load()
      guardrails.useReputation(reputation)
      // Handlers are registered before the peer starts, so no early stream finds them missing.
      await discovery.start()
      await sync.start()
      await sessions.start()
      await guardrails.start()
      await serveEvidence(peer, consequences, sessions, this.config)
      this.parts = { log, peer, cards, records, heads, gossip, discovery, sync, sessions, consequences, reputation, watchdog, arbiter, guardrails }
      await peer.start()
      gossip.start()
      await consequences.start()
      this.shutdown = new AbortController()
      const signal = this.shutdown.signal
      peer.addEventListener('peer:identify', (event) => {
        if (event.detail.protocols.includes(SYNC_PROTOCOL)) this.runSync(event.detail.peerId, signal)
      })
      this.background = [
        keepBootstrapped(peer, peerList, this.config.net.bootstrapIntervalMs, signal),
        this.every(this.config.gossip.headIntervalMs, signal, async () => gossip.publishHead()),
        this.every(this.config.dht.reprovideIntervalMs, signal, async () => discovery.advertise(signal)),
        this.every(this.config.sync.intervalMs, signal, async () => { for (const p of peer.getPeers()) this.runSync(p, signal) }),
        this.every(this.config.disputes.watchdogIntervalMs, signal, async () => { await watchdog.check() }),
        ...(this.config.arbiter.enabled ? [this.every(this.config.disputes.watchdogIntervalMs, signal, async () => { await arbiter.check(signal) })] : []),
        guardrails.resume().catch((err: Error) => trace('carrying out approvals decided before the restart failed: %s', err.message))
      ]
      if (this.config.arbiter.enabled) await this.advertiseArbiter()
      if (this.options.api !== false) {
        const api = await startApi({
          dataDir: this.dataDir,
          config: this.config.api,
          operatorToken: await readOperatorToken(this.dataDir)
        }, this)
        this.parts.api = api
        await writeFile(join(this.dataDir, API_FILE), JSON.stringify({ url: api.url, pid: process.pid, peerId: peer.peerId.toString() }) + '\n', { mode: 0o600 })
      }
      trace('node %p started on %s', peer.peerId, this.config.network)
    } catch (err) {
      await this.stop().catch(() => {})
      await log.close()
      throw err
    }
  }

  /** Stops in reverse order: API, background tasks, gossip, peer, log. Safe to call twice. */
  stop (): Promise<void> {
    this.stopping ??= (async () => {
      const parts = this.parts
      if (parts === undefined) return
      this.shutdown.abort()
      if (parts.api !== undefined) {
        await parts.api.close()
        await rm(join(this.dataDir, API_FILE), { force: true })
      }
      await Promise.allSettled(this.background)
      parts.guardrails.stop()
      parts.gossip.stop()
      await parts.peer.stop()
      await parts.log.close()
      this.parts = undefined
      trace('node stopped')
    })().finally(() => { this.stopping = null })
    return this.stopping
  }

  status (): NodeStatus {
    const { peer, log: own } = this.started
    const head = own.head()
    return {
      software: SOFTWARE,
      peerId: peer.peerId.toString(),
      network: this.config.network,
      addresses: peer.getMultiaddrs().map((a) => a.toString()),
      connectedPeers: peer.getPeers().length,
      routingTableSize: routingTableSize(peer),
      log: { seq: head.seq, cid: head.cid?.toString() ?? null },
      api: this.apiUrl
    }
  }

  /** Signs and records an agent card, gossips it, and advertises its capabilities in the DHT. */
  async publishCard (input: CardInput, options: { signal?: AbortSignal } = {}): Promise<SignedRecord<AgentCard>> {
    const { cards, gossip, discovery, peer } = this.started
    const card = await cards.publish(input, peer.getMultiaddrs().map((a) => a.toString()))
    await gossip.publish('agent-card', card)
    try {
      await discovery.advertise(options.signal)
    } catch (err) {
      // The card stands; the next reprovide round announces it if the DHT is not reachable now.
      trace('advertising %s failed for now: %s', input.agent, (err as Error).message)
    }
    return card
  }

  async discover (capability: string, options: { signal?: AbortSignal, limit?: number } = {}): Promise<DiscoveredAgent[]> {
    return this.started.discovery.discover(capability, options)
  }

  currentCards (): Array<SignedRecord<AgentCard>> {
    return this.started.cards.current()
  }

  async syncWith (peerId: PeerId, signal?: AbortSignal): Promise<number> {
    return this.started.sync.syncWith(peerId, signal)
  }

  /** The reputation view over every record in the log, kept current as records are stored. */
  private async loadReputation (log: Log, records: PublicRecords): Promise<NodeReputation> {
    const { reputation, add } = await reputationFromLog(log, this.config.reputation, this.clock,
      (kind, record, err) => trace.error('reputation: %s %s left out: %s', kind, record.cid, err.message))
    records.onAccepted(add)
    return reputation
  }

  /** An arbiter says so in a card, so that parties can find arbiters by the "arbiter" capability. */
  private async advertiseArbiter (): Promise<void> {
    if (this.currentCards().some((c) => c.value.capabilities.includes('arbiter'))) return
    await this.publishCard({ agent: 'arbiter', capabilities: ['arbiter'], summary: 'Rules on disputes of commitments that name this org as arbiter.', ttlMs: 365 * 86_400_000 })
  }

  private runSync (peerId: PeerId, signal: AbortSignal): void {
    this.started.sync.syncWith(peerId, signal).catch((err: Error) => {
      if (!signal.aborted) trace('sync with %p failed: %s', peerId, err.message)
    })
  }

  private async every (ms: number, signal: AbortSignal, task: () => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      try {
        await task()
      } catch (err) {
        if (!signal.aborted) trace('background task failed: %s', (err as Error).message)
      }
      await sleep(ms, signal)
    }
  }
}
