// What a benchmark sees of a node from the outside, as plain events (so they cross a process
// boundary unchanged): the records it stores (onAccepted fires once a record is durably in its log),
// the moment its arbiter first finds a dispute due, and raw gossip arrivals on the bench topic.
// Nothing in the node changes; the arbiter's due() is wrapped on the instance only to note the time.
import type { Message } from '@libp2p/gossipsub'
import type { Dispute } from '../../src/disputes/dispute-kind.js'
import type { Verdict } from '../../src/disputes/verdict-kind.js'
import type { Vote } from '../../src/disputes/vote-kind.js'
import type { AspNode } from '../../src/node.js'
import { cidOf } from '../../src/records/codec.js'

export const RAW_TOPIC = 'asp-bench/raw-gossip/1'

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with Date.now() in any process of this machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now()

export type NodeEvent =
  | { type: 'dispute', node: number, t: number, cid: string, commitment: string, openedAt: number }
  | { type: 'vote', node: number, t: number, dispute: string, arbiter: string, at: number, outcome: string }
  | { type: 'verdict', node: number, t: number, dispute: string }
  | { type: 'decide', node: number, t: number, dispute: string }
  | { type: 'card', node: number, t: number, cid: string }
  | { type: 'raw', node: number, t: number, tag: string }

export function instrumentNode (node: AspNode, index: number, emit: (event: NodeEvent) => void): void {
  node.records.onAccepted((kind, record) => {
    const t = wallNow()
    if (kind === 'dispute') {
      const d = record.value as Dispute
      emit({ type: 'dispute', node: index, t, cid: record.cid.toString(), commitment: d.commitment.toString(), openedAt: d.openedAt })
    } else if (kind === 'vote') {
      const v = record.value as Vote
      emit({ type: 'vote', node: index, t, dispute: v.dispute.toString(), arbiter: v.arbiter, at: v.at, outcome: v.outcome })
    } else if (kind === 'verdict') {
      // The node verified the dispute inside before storing the verdict; only its CID is needed here.
      emit({ type: 'verdict', node: index, t, dispute: cidOf((record.value as Verdict).dispute).toString() })
    } else if (kind === 'agent-card') {
      emit({ type: 'card', node: index, t, cid: record.cid.toString() })
    }
  })
  const arbiter = node.arbiter
  const due = arbiter.due.bind(arbiter)
  const decided = new Set<string>()
  arbiter.due = () => {
    const listed = due()
    const t = wallNow()
    for (const d of listed) {
      const cid = d.cid.toString()
      if (decided.has(cid)) continue
      decided.add(cid)
      emit({ type: 'decide', node: index, t, dispute: cid })
    }
    return listed
  }
  node.peer.services.pubsub.addEventListener('message', (event: CustomEvent<Message>) => {
    if (event.detail.topic !== RAW_TOPIC) return
    emit({ type: 'raw', node: index, t: wallNow(), tag: Buffer.from(event.detail.data.subarray(0, 16)).toString('hex') })
  })
}
