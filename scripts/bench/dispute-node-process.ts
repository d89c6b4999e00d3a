// One node of the dispute benchmark in its own process: node-process <dataDir> <index> <settings JSON>.
// It serves its parent the NodeHandle calls and the ProcessMeter over IPC, and sends it the node's
// events (node-events.ts) as they happen.
import '../../src/polyfill.js'
import { AspNode } from '../../src/node.js'
import { fastConfig } from '../../test/helpers/network.js'
import { applyDisputeSettings, type DisputeSettings } from './dispute-config.js'
import { LocalHandle } from './node-handle.js'
import { instrumentNode } from './node-events.js'
import { ProcessMeter } from './process-meter.js'

export interface Call { id: number, method: string, args: unknown[] }
export type Reply = { id: number, result: unknown } | { id: number, error: string }
export type Hello = { ready: { orgId: string, peerId: string, addresses: string[] } }

const [dir, indexText, settingsJson] = process.argv.slice(2)
if (dir === undefined || indexText === undefined || settingsJson === undefined || process.send === undefined) {
  throw new Error('usage (as a forked child): dispute-node-process <dataDir> <index> <settings JSON>')
}
const send = process.send.bind(process)
const index = Number(indexText)
const settings = JSON.parse(settingsJson) as DisputeSettings
const node = await AspNode.open(dir, { config: (c) => { fastConfig(c); applyDisputeSettings(c, settings) } })
await node.start()
instrumentNode(node, index, (event) => send({ event }))
const handle = new LocalHandle(node, index)
const meter = new ProcessMeter()

const methods: Record<string, (...args: never[]) => unknown> = {
  peers: async () => handle.peers(),
  rawSubscribe: async (on: boolean) => handle.rawSubscribe(on),
  rawSubscribers: async () => handle.rawSubscribers(),
  rawPublish: async (tag: string) => handle.rawPublish(tag),
  publishCard: async (seq: number) => handle.publishCard(seq),
  dealOpen: async (vendor: string) => handle.dealOpen(vendor),
  dealPropose: async (session: string, terms: never) => handle.dealPropose(session, terms),
  dealAccept: async (session: string) => handle.dealAccept(session),
  dealCommit: async (session: string) => handle.dealCommit(session),
  evidence: async (dispute: string, parties: string[]) => handle.evidence(dispute, parties),
  nodeStats: async (reset: boolean) => handle.nodeStats(reset),
  meterStart: () => meter.start(),
  meterPause: () => meter.pause(),
  meterResume: () => meter.resume(),
  meterStop: (windows: Array<[number, number]>) => meter.stop(windows),
  stop: async () => {
    await node.stop()
    setImmediate(() => process.exit(0))
  }
}

process.on('message', (message: Call) => {
  const method = methods[message.method]
  Promise.resolve()
    .then(async () => {
      if (method === undefined) throw new Error(`no method ${message.method}`)
      return (method as (...args: unknown[]) => unknown)(...message.args)
    })
    .then((result) => send({ id: message.id, result: result ?? null } satisfies Reply))
    .catch((err: Error) => send({ id: message.id, error: err.message } satisfies Reply))
})
// The parent gone, nothing is left to serve.
process.on('disconnect', () => { node.stop().finally(() => process.exit(0)) })
send({ ready: { orgId: node.key.orgId, peerId: node.peerId.toString(), addresses: node.status().addresses } } satisfies Hello)
