// The demo's network: one `asp start` process per organization on 127.0.0.1, each with its own data
// dir made by `asp init`. The bootstrap node starts first; its address goes into the peer list the
// others name in their config. Every process started here is stopped here.
import { spawn, type ChildProcess } from 'node:child_process'
import { openSync, closeSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { cliPath, json, mustRun } from './cli.js'
import { setConfig, type Settings } from './config-file.js'
import { fail, waitFor } from './steps.js'

export type Role = 'bootstrap' | 'arbiter' | 'org'

export interface NodeSpec {
  /** Its data dir, relative to the demo's folder. */
  dir: string
  /** How the demo names the organization. */
  name: string
  role: Role
}

export const NODE_SPECS: readonly NodeSpec[] = [
  { dir: 'bootstrap', name: 'Bootstrap', role: 'bootstrap' },
  { dir: 'arbiter-1', name: 'Arbiter 1', role: 'arbiter' },
  { dir: 'arbiter-2', name: 'Arbiter 2', role: 'arbiter' },
  { dir: 'arbiter-3', name: 'Arbiter 3', role: 'arbiter' },
  { dir: 'buyer', name: 'Buyer', role: 'org' },
  { dir: 'vendor-a', name: 'Vendor A', role: 'org' },
  { dir: 'vendor-b', name: 'Vendor B', role: 'org' }
]

/** The peer list file, relative to the demo's folder; the data dirs name it as ../bootstrap.json. */
export const PEER_LIST = 'bootstrap.json'

/**
 * Short timings, so that a deadline missed is a dispute within seconds and a verdict seconds later.
 * The defaults (an hour of grace, ten minutes for evidence) are for real deals.
 */
function settingsFor (role: Role): Settings {
  return {
    net: { bootstrapIntervalMs: 1000, readTimeoutMs: 5000 },
    dht: { queryTimeoutMs: 5000, reprovideIntervalMs: 5000, initialQuerySelfIntervalMs: 0 },
    sync: { intervalMs: 5000 },
    disputes: { graceMs: 1000, watchdogIntervalMs: 250, responseWindowMs: 1500 },
    arbiter: { enabled: role === 'arbiter' }
  }
}

export class DemoNode {
  orgId = ''
  apiUrl = ''
  private proc: ChildProcess | undefined
  private exited: Promise<number | null> | undefined

  constructor (readonly spec: NodeSpec, readonly folder: string) {}

  get name (): string { return this.spec.name }
  get dir (): string { return this.spec.dir }
  get path (): string { return join(this.folder, this.spec.dir) }
  get outputFile (): string { return join(this.folder, 'output', `${this.spec.dir}.out`) }
  get running (): boolean { return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null }
  get pid (): number | undefined { return this.proc?.pid }

  /** asp init, then the demo's settings written into its config.toml. */
  async init (): Promise<string[]> {
    const args = ['init', '--data-dir', this.dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--api-port', '0',
      ...(this.spec.role === 'bootstrap' ? [] : ['--bootstrap', `../${PEER_LIST}`])]
    const { stdout } = await mustRun(args)
    const orgId = /org \(peer id\): (\S+)/.exec(stdout)?.[1]
    if (orgId === undefined) fail(`asp init did not print the org id of ${this.dir}: ${stdout}`)
    this.orgId = orgId
    await setConfig(join(this.path, 'config.toml'), settingsFor(this.spec.role))
    return args
  }

  /** `asp start` in its own process; resolves once the node serves its API (api.json names it). */
  async start (options: { detached: boolean }): Promise<void> {
    await mkdir(join(this.folder, 'output'), { recursive: true })
    const out = openSync(this.outputFile, 'a')
    try {
      this.proc = spawn(process.execPath, [cliPath, 'start', '--data-dir', this.dir], { cwd: this.folder, stdio: ['ignore', out, out], detached: options.detached })
    } finally {
      closeSync(out)
    }
    const proc = this.proc
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)))
    const api = await waitFor(`${this.name}'s node to serve its API`, async () => {
      if (!this.running) fail(`${this.name}'s node exited (${proc.exitCode ?? proc.signalCode}); see ${this.outputFile}`)
      const file = await readFile(join(this.path, 'api.json'), 'utf8').catch(() => undefined)
      const parsed = file === undefined ? undefined : JSON.parse(file) as { url: string, pid: number }
      return parsed?.pid === proc.pid ? parsed : undefined
    }, { timeoutMs: 60_000, intervalMs: 100 })
    this.apiUrl = api.url
  }

  /** Lets the process outlive the demo (--keep). */
  detach (): void {
    this.proc?.unref()
  }

  /** SIGTERM, as an operator would stop it; the node closes its log and exits 0. */
  async stop (timeoutMs = 30_000): Promise<number | null> {
    if (this.proc === undefined || this.exited === undefined) return 0
    if (this.running) this.proc.kill('SIGTERM')
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref())
    const code = await Promise.race([this.exited, timer])
    if (code === 'timeout') {
      this.proc.kill('SIGKILL')
      return null
    }
    this.proc = undefined
    return code
  }

  /** Last resort when the demo itself exits: no process it started is left behind. */
  kill (): void {
    if (this.running) this.proc?.kill('SIGKILL')
  }
}

export class DemoNetwork {
  readonly nodes: DemoNode[]

  constructor (readonly folder: string) {
    this.nodes = NODE_SPECS.map((spec) => new DemoNode(spec, folder))
  }

  node (dir: string): DemoNode {
    const n = this.nodes.find((x) => x.dir === dir)
    if (n === undefined) throw new Error(`no node ${dir}`)
    return n
  }

  get bootstrap (): DemoNode { return this.node('bootstrap') }
  get arbiters (): DemoNode[] { return this.nodes.filter((n) => n.spec.role === 'arbiter') }

  nameOf (orgId: string): string {
    return this.nodes.find((n) => n.orgId === orgId)?.name ?? `${orgId.slice(0, 12)}…`
  }

  /** The bootstrap node first; its addresses become the peer list; then the others, in parallel. */
  async start (options: { detached: boolean }): Promise<void> {
    await this.bootstrap.start(options)
    const status = await json<{ addresses: string[] }>(['status', '--data-dir', this.bootstrap.dir, '--json'])
    if (status.addresses.length === 0) fail('the bootstrap node listens on no address')
    await writeFile(join(this.folder, PEER_LIST), JSON.stringify({ network: 'devnet', description: 'the ASP demo\'s bootstrap node', peers: status.addresses }, null, 2) + '\n')
    await Promise.all(this.nodes.filter((n) => n !== this.bootstrap).map(async (n) => n.start(options)))
  }

  /** Stops every running node; returns those that did not exit cleanly. */
  async stop (): Promise<DemoNode[]> {
    const codes = await Promise.all(this.nodes.map(async (n) => ({ n, code: await n.stop() })))
    return codes.filter((c) => c.code !== 0).map((c) => c.n)
  }

  killAll (): void {
    for (const n of this.nodes) n.kill()
  }
}
