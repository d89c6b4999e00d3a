// Node settings for bench:session, in this process and in the seller's own process.
import type { NodeConfig } from '../../src/config.js'
import { defaultConfig } from '../../src/config.js'
import { fastConfig } from '../../test/helpers/network.js'

/**
 * Test settings (loopback, port 0), but test nodes also sync every 2 s and gossip heads every second:
 * that background work is no part of a negotiation, so those timers go back to their defaults. The
 * bench's deals leave every session committed (not closed), so the limit of open sessions per peer
 * (8 x maxStreamsPerPeer) is raised. The default rate limit of 500 session messages per second from
 * one peer (a guard against floods) would cap deals at about 170/s (the buyer sends three messages
 * a deal): two orgs that trade in bulk raise it, and so does the bench.
 */
export function benchConfig (c: NodeConfig): void {
  fastConfig(c)
  const defaults = defaultConfig()
  c.sync.intervalMs = defaults.sync.intervalMs
  c.gossip.headIntervalMs = defaults.gossip.headIntervalMs
  c.net.maxStreamsPerPeer = 128
  c.session.messagesPerSecond = 5000
  c.session.messageBurst = 5000
}
