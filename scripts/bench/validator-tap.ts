// Counts the messages that reach the nodes' own gossip validators on one topic, and the CPU time
// each validator takes before its first await (for a record: size, decode, schema, every signature
// check; the LevelDB lookup comes after). CPU, not wall time: where processes compete for few cores,
// wall time would count the waits for a core.
import type { TopicValidatorFn } from '@libp2p/gossipsub'
import type { AspNode } from '../../src/node.js'

export interface ValidatorTap {
  /** Messages validated, over all tapped nodes. */
  calls: number
  /** Process CPU time during the validators' synchronous part, ms, over all tapped nodes. */
  cpuMs: number
  /** Wall time of the same, ms: more than the CPU time when the process waited for a core. */
  wallMs: number
  restore(): void
}

export function tapValidators (nodes: AspNode[], topic: string): ValidatorTap {
  const tap: ValidatorTap = { calls: 0, cpuMs: 0, wallMs: 0, restore: () => {} }
  const restores = nodes.map((node) => {
    const validators = node.peer.services.pubsub.topicValidators
    const original = validators.get(topic)
    if (original === undefined) throw new Error(`no validator on ${topic} to tap`)
    const timed: TopicValidatorFn = (source, message) => {
      const t = performance.now()
      const before = process.cpuUsage()
      const result = original(source, message)
      const used = process.cpuUsage(before)
      tap.wallMs += performance.now() - t
      tap.cpuMs += (used.user + used.system) / 1000
      tap.calls++
      return result
    }
    validators.set(topic, timed)
    return () => { if (validators.get(topic) === timed) validators.set(topic, original) }
  })
  tap.restore = () => { for (const r of restores) r() }
  return tap
}

/** Counts the records of `kind` the nodes themselves publish by gossip (each a separate gossip message). */
export function countPublishes (nodes: AspNode[], kind: string): { count: number, restore(): void } {
  const counter = { count: 0, restore: () => {} }
  const restores = nodes.map((node) => {
    const gossip = node.gossip
    const original = gossip.publish
    gossip.publish = async (k, record) => {
      if (k === kind) counter.count++
      return original.call(gossip, k, record)
    }
    return () => { gossip.publish = original }
  })
  counter.restore = () => { for (const r of restores) r() }
  return counter
}
