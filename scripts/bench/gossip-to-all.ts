// Gossip of one message to every other node, the baseline of anything that travels by gossip:
// raw gossipsub (a bench topic with no validator: delivery only), and an ASP record (a freshly signed
// agent card, checked and durably stored by every receiver before onAccepted fires).
import { randomBytes } from 'node:crypto'
import type { DisputeNet } from './dispute-net.js'
import type { NodeEvent } from './node-events.js'

const sleep = async (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const WARMUP = 3

/** Arrival times per key (a raw tag or a card CID) per node, kept from the start, since an arrival may beat the publisher's reply. */
class Arrivals {
  private readonly at = new Map<string, Map<number, number>>()
  private wake: (() => void) | undefined

  note (key: string, node: number, t: number): void {
    let nodes = this.at.get(key)
    if (nodes === undefined) this.at.set(key, nodes = new Map())
    if (!nodes.has(node)) nodes.set(node, t)
    this.wake?.()
  }

  /** ms from `t0` until every one of `receivers` had `key`, or undefined after `timeoutMs`. */
  async all (key: string, receivers: number[], t0: number, timeoutMs: number): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const nodes = this.at.get(key)
      if (nodes !== undefined && receivers.every((r) => nodes.has(r))) return Math.max(...receivers.map((r) => nodes.get(r)!)) - t0
      if (Date.now() > deadline) return undefined
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        this.wake = () => { clearTimeout(timer); resolve() }
      })
    }
  }
}

export interface GossipRounds { times: number[], incomplete: number }

async function rounds (net: DisputeNet, publisher: number, count: number, kind: 'raw' | 'card', publish: (round: number) => Promise<{ t0: number, key: string }>, timeoutMs: number): Promise<GossipRounds> {
  const arrivals = new Arrivals()
  const off = net.onEvent((e: NodeEvent) => {
    if (kind === 'raw' && e.type === 'raw') arrivals.note(e.tag, e.node, e.t)
    if (kind === 'card' && e.type === 'card') arrivals.note(e.cid, e.node, e.t)
  })
  const receivers = net.handles.map((h) => h.index).filter((i) => i !== publisher)
  try {
    const times: number[] = []
    let incomplete = 0
    for (let r = -WARMUP; r < count; r++) {
      const { t0, key } = await publish(r)
      const ms = await arrivals.all(key, receivers, t0, timeoutMs)
      if (r >= 0) {
        if (ms === undefined) incomplete++
        else times.push(ms)
      }
      await sleep(20) // let the duplicates still travelling settle
    }
    return { times, incomplete }
  } finally {
    off()
  }
}

/** Raw gossipsub from node `publisher`: ms until the last other node's 'message' event. */
export async function rawGossipRounds (net: DisputeNet, publisher: number, count: number, timeoutMs = 10_000): Promise<GossipRounds> {
  const { handles } = net
  await Promise.all(handles.map(async (h) => h.rawSubscribe(true)))
  try {
    // Subscriptions travel to the peers first; a publish before that reaches nobody.
    const from = handles[publisher]!
    const deadline = Date.now() + 15_000
    while (await from.rawSubscribers() < Math.min(handles.length - 1, await from.peers()) && Date.now() < deadline) await sleep(50)
    return await rounds(net, publisher, count, 'raw', async () => {
      const tag = randomBytes(16).toString('hex')
      return { t0: await from.rawPublish(tag), key: tag }
    }, timeoutMs)
  } finally {
    await Promise.all(handles.map(async (h) => h.rawSubscribe(false)))
  }
}

/** ASP record gossip from node `publisher`: ms until the last other node stored the card (onAccepted). */
export async function recordGossipRounds (net: DisputeNet, publisher: number, count: number, timeoutMs = 10_000): Promise<GossipRounds> {
  const from = net.handles[publisher]!
  const firstSeq = Date.now() * 1000
  return rounds(net, publisher, count, 'card', async (r) => {
    const { t0, cid } = await from.publishCard(firstSeq + r + WARMUP)
    return { t0, key: cid }
  }, timeoutMs)
}
