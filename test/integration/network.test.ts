import assert from 'node:assert/strict'
import { routingTableSize } from '../../src/net/libp2p.js'
import { topicFor } from '../../src/net/protocols.js'
import type { AspNode } from '../../src/node.js'
import { cidOf, encode, type CID } from '../../src/records/codec.js'
import { agentCardKind, headKind } from '../../src/records/kinds/index.js'
import { signRecord } from '../../src/records/record.js'
import { testSigner } from '../helpers/keys.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'

describe('a 5-node network on 127.0.0.1: discovery, gossip, catch-up sync, forks', function () {
  this.timeout(120_000)
  let net: TestNetwork

  before(async () => {
    net = await startNetwork(5)
    await eventually('every node connected with a non-empty routing table', () =>
      net.nodes.every((n) => n.peer.getPeers().length > 0 && routingTableSize(n.peer) > 0))
    await eventually('gossip meshes formed', () => net.nodes.every((n) => n.peer.services.pubsub.getSubscribers(topicFor('devnet', 'agent-card')).length > 0))
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
  const holds = async (node: AspNode, cid: CID): Promise<boolean> => (await node.log.getBlock(cid)) !== undefined

  it('a gossiped record reaches every node and is in every log; a forged one reaches none', async () => {
    const [origin] = net.nodes
    const forger = testSigner('forger')
    // Signed by a key that is not the org it names: the signature cannot verify.
    const forged = encode({ ...signRecord(agentCardKind, { v: 1, org: forger.orgId, agent: 'x', capabilities: ['sell:gpu-hours'], summary: '', addresses: [], expires: Date.now() + 60_000, seq: 1 }, forger).value, org: origin!.key.orgId })
    await origin!.peer.services.pubsub.publish(topicFor('devnet', 'agent-card'), forged)
    const card = await origin!.publishCard({ agent: 'sales', capabilities: ['sell:gpu-hours'], summary: 'after the forgery', ttlMs: 3_600_000 })
    await eventually('the card is in every log', async () => (await Promise.all(net.nodes.map(async (n) => holds(n, card.cid)))).every(Boolean))
    for (const node of net.nodes) assert.equal(await holds(node, cidOf(forged)), false)
  })

  it('a node stopped during gossip restarts, syncs, and holds the same public records', async () => {
    await net.nodes[4]!.stop()
    const card = await net.nodes[1]!.publishCard({ agent: 'support', capabilities: ['sell:support'], summary: 'while node 4 was down', ttlMs: 3_600_000 })
    await eventually('the live nodes hold it', async () => (await Promise.all(net.nodes.slice(0, 4).map(async (n) => holds(n, card.cid)))).every(Boolean))
    const back = await net.restart(4)
    await eventually('the restarted node synced it', async () => holds(back, card.cid))
    const publicOf = async (node: AspNode): Promise<string[]> => {
      const cids: string[] = []
      for await (const entry of node.log.entries()) {
        const body = entry.value.body as { kind?: string, record?: CID }
        if (entry.value.kind === 'record' && body.record !== undefined) cids.push(body.record.toString())
      }
      return cids.sort()
    }
    await eventually('all nodes hold the same public records', async () => {
      const sets = await Promise.all(net.nodes.map(publicOf))
      return sets.every((s) => JSON.stringify(s) === JSON.stringify(sets[0]))
    })
  })

  it('a forged head at an existing seq produces a fork proof on every node', async () => {
    const victim = net.nodes[2]!
    await victim.log.append('note', { text: 'a real entry' })
    const real = victim.log.head()
    await victim.gossip.publishHead()
    await eventually('every node saw the real head', () => net.nodes.every((n) => n.heads.latest(victim.key.orgId)?.value.seq === real.seq))
    // The org's own key signs a second head at the same seq: exactly what a fork is.
    const forgedHead = signRecord(headKind, { v: 1, author: victim.key.orgId, seq: real.seq, cid: cidOf(encode({ other: 'history' })), ts: Date.now() }, victim.key.signer)
    await net.nodes[0]!.peer.services.pubsub.publish(topicFor('devnet', 'head'), forgedHead.bytes)
    const proofs = async (node: AspNode): Promise<number> => {
      let n = 0
      for await (const entry of node.log.entries()) if ((entry.value.body as { kind?: string }).kind === 'fork-proof') n++
      return n
    }
    await eventually('every node holds a fork proof', async () => (await Promise.all(net.nodes.map(proofs))).every((n) => n === 1))
  })
})
