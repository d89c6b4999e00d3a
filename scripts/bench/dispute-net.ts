// The 6-node network of the dispute benchmark, either as real nodes in this process (as the
// integration tests run them) or one node per child process; the benchmark drives both the same way.
import { fork, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { initDataDir } from '../../src/datadir.js'
import { startNetwork } from '../../test/helpers/network.js'
import { tempDir } from '../../test/helpers/tmp.js'
import { applyDisputeSettings, type DisputeSettings } from './dispute-config.js'
import type { Call, Hello, Reply } from './dispute-node-process.js'
import { LocalHandle, type NodeHandle } from './node-handle.js'
import { instrumentNode, type NodeEvent } from './node-events.js'
import { ProcessMeter, type ProcessStats } from './process-meter.js'

export interface DisputeNet {
  readonly mode: 'one process' | 'separate processes'
  readonly handles: NodeHandle[]
  onEvent(listener: (event: NodeEvent) => void): () => void
  /** Starts measuring CPU and the event loop of every process the nodes run in. */
  meterStart(): Promise<void>
  meterPause(): Promise<void>
  meterResume(): Promise<void>
  /** One entry per process. */
  meterStop(windows: Array<[number, number]>): Promise<ProcessStats[]>
  stop(): Promise<void>
}

class Listeners {
  private readonly set = new Set<(event: NodeEvent) => void>()
  add (listener: (event: NodeEvent) => void): () => void {
    this.set.add(listener)
    return () => this.set.delete(listener)
  }

  emit (event: NodeEvent): void {
    for (const l of this.set) l(event)
  }
}

export async function startInProcess (count: number, settings: DisputeSettings): Promise<DisputeNet> {
  const net = await startNetwork(count, { config: (c) => applyDisputeSettings(c, settings) })
  const listeners = new Listeners()
  for (const [i, node] of net.nodes.entries()) instrumentNode(node, i, (e) => listeners.emit(e))
  const meter = new ProcessMeter()
  return {
    mode: 'one process',
    handles: net.nodes.map((node, i) => new LocalHandle(node, i)),
    onEvent: (l) => listeners.add(l),
    meterStart: async () => meter.start(),
    meterPause: async () => meter.pause(),
    meterResume: async () => meter.resume(),
    meterStop: async (windows) => [meter.stop(windows)],
    stop: async () => net.stop()
  }
}

/** Calls into a node in a child process; events from it go to `listeners`. */
class ChildHandle implements NodeHandle {
  private nextId = 0
  private readonly pending = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>()

  constructor (private readonly child: ChildProcess, readonly index: number, readonly orgId: string, readonly peerId: string, listeners: Listeners) {
    child.on('message', (m: Reply | { event: NodeEvent }) => {
      if ('event' in m) { listeners.emit(m.event); return }
      const p = this.pending.get(m.id)
      if (p === undefined) return
      this.pending.delete(m.id)
      if ('error' in m) p.reject(new Error(`node ${index}: ${m.error}`))
      else p.resolve(m.result)
    })
    child.on('exit', () => { for (const p of this.pending.values()) p.reject(new Error(`node ${index} exited`)) })
  }

  async call<T> (method: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.child.send({ id, method, args } satisfies Call)
    })
  }

  peers = async (): Promise<number> => this.call('peers')
  rawSubscribe = async (on: boolean): Promise<void> => this.call('rawSubscribe', on)
  rawSubscribers = async (): Promise<number> => this.call('rawSubscribers')
  rawPublish = async (tag: string): Promise<number> => this.call('rawPublish', tag)
  publishCard = async (seq: number): Promise<{ t0: number, cid: string }> => this.call('publishCard', seq)
  dealOpen = async (vendor: string): Promise<string> => this.call('dealOpen', vendor)
  dealPropose = async (session: string, terms: unknown): Promise<void> => this.call('dealPropose', session, terms)
  dealAccept = async (session: string): Promise<void> => this.call('dealAccept', session)
  dealCommit = async (session: string): Promise<string> => this.call('dealCommit', session)
  evidence = async (dispute: string, parties: string[]): Promise<number> => this.call('evidence', dispute, parties)
  nodeStats = async (reset: boolean): Promise<Awaited<ReturnType<NodeHandle['nodeStats']>>> => this.call('nodeStats', reset)
}

/** Node 0 first, then the others bootstrapping from it, as test/helpers/network.ts does, one process each. */
export async function startProcesses (count: number, settings: DisputeSettings): Promise<DisputeNet> {
  const tmp = await tempDir('asp-bench-disputes-')
  const dir = (i: number): string => join(tmp.path, `node${i}`)
  const listeners = new Listeners()
  const children: ChildProcess[] = []
  const script = new URL('./dispute-node-process.js', import.meta.url).pathname
  const spawn = async (i: number): Promise<{ handle: ChildHandle, addresses: string[] }> => {
    const child = fork(script, [dir(i), String(i), JSON.stringify(settings)], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    children.push(child)
    const hello = await new Promise<Hello['ready']>((resolve, reject) => {
      const onMessage = (m: Hello | object): void => {
        if (!('ready' in m)) return
        child.off('message', onMessage)
        resolve(m.ready)
      }
      child.on('message', onMessage)
      child.once('exit', (code) => reject(new Error(`node ${i} exited with ${code} before it was ready`)))
    })
    return { handle: new ChildHandle(child, i, hello.orgId, hello.peerId, listeners), addresses: hello.addresses }
  }
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(async (child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null) { resolve(); return }
      child.once('exit', () => resolve())
      child.send({ id: -1, method: 'stop', args: [] } satisfies Call)
    })))
    await tmp.remove()
  }
  try {
    for (let i = 0; i < count; i++) await initDataDir(dir(i), { network: 'devnet', bootstrap: i === 0 ? '' : join(tmp.path, 'bootstrap.json') })
    const first = await spawn(0)
    await writeFile(join(tmp.path, 'bootstrap.json'), JSON.stringify({ network: 'devnet', peers: first.addresses }))
    const rest = await Promise.all(Array.from({ length: count - 1 }, async (_, i) => spawn(i + 1)))
    const handles = [first.handle, ...rest.map((r) => r.handle)]
    const all = async <T>(method: string, ...args: unknown[]): Promise<T[]> => Promise.all(handles.map(async (h) => h.call<T>(method, ...args)))
    return {
      mode: 'separate processes',
      handles,
      onEvent: (l) => listeners.add(l),
      meterStart: async () => { await all('meterStart') },
      meterPause: async () => { await all('meterPause') },
      meterResume: async () => { await all('meterResume') },
      meterStop: async (windows) => all<ProcessStats>('meterStop', windows),
      stop
    }
  } catch (err) {
    await stop()
    throw err
  }
}
