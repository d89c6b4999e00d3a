// The node settings of the dispute benchmark, the same for nodes in this process or in others.
import { defaultConfig, type NodeConfig } from '../../src/config.js'

export interface DisputeSettings { graceMs: number, intervalMs: number, windowMs: number }

const shipped = defaultConfig()

export function applyDisputeSettings (c: NodeConfig, s: DisputeSettings): void {
  c.disputes.graceMs = s.graceMs
  c.disputes.watchdogIntervalMs = s.intervalMs
  c.disputes.responseWindowMs = s.windowMs
  c.arbiter.enabled = true
  // Head gossip and sync at the shipped intervals, not the test's (1 s, 2 s): their work would land
  // in every tail. Gossip carries everything here.
  c.gossip.headIntervalMs = shipped.gossip.headIntervalMs
  c.sync.intervalMs = shipped.sync.intervalMs
}
