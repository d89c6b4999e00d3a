import assert from 'node:assert/strict'
import { routingTableSize } from '../../src/net/libp2p.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'

describe('a 5-node network on 127.0.0.1', function () {
  this.timeout(120_000)
  let net: TestNetwork

  before(async () => {
    net = await startNetwork(5)
    await eventually('every node connected with a non-empty routing table', () =>
      net.nodes.every((n) => n.peer.getPeers().length > 0 && routingTableSize(n.peer) > 0))
  })

  after(async () => net?.stop())

  it('DHT discovery returns exactly the orgs that advertise a capability, with verified cards', async () => {
    const [, a, b, c, searcher] = net.nodes
    await a!.publishCard({ agent: 'sales', capabilities: ['sell:gpu-hours'], summary: 'A100 hours', ttlMs: 3_600_000 })
    await b!.publishCard({ agent: 'sales', capabilities: ['sell:gpu-hours', 'sell:storage'], summary: 'H100 hours', ttlMs: 3_600_000 })
    await c!.publishCard({ agent: 'procurement', capabilities: ['buy:gpu-hours'], summary: 'buyer', ttlMs: 3_600_000 })
    const found = await searcher!.discover('sell:gpu-hours')
    assert.deepEqual(found.map((f) => f.org).sort(), [a!.key.orgId, b!.key.orgId].sort())
    assert.ok(found.every((f) => f.capabilities.includes('sell:gpu-hours') && f.agent === 'sales'))
    const buyers = await searcher!.discover('buy:gpu-hours')
    assert.deepEqual(buyers.map((f) => f.org), [c!.key.orgId])
    assert.deepEqual(await searcher!.discover('sell:nothing'), [])
  })
})
