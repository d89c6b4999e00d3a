import assert from 'node:assert/strict'
import type { AspNode } from '../../src/node.js'
import { closeDeal } from '../helpers/deal-kit.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'

// A node's own records are judged like anyone's: it never holds a record the network ignores.
describe('consequences: a node\'s own records are judged like anyone\'s', function () {
  this.timeout(60_000)
  let net: TestNetwork
  const node = (i: number): AspNode => net.nodes[i] as AspNode

  before(async () => {
    net = await startNetwork(2)
    await eventually('the nodes see each other', () => net.nodes.every((n) => n.peer.getPeers().length >= 1))
  })

  after(async () => net?.stop())

  it('a second dispute with the same claim is not stored by its own claimant either', async () => {
    const { commitment } = await closeDeal(node(0), node(1), { arbiters: [], quorum: 0, deliverInMs: 60_000, payInMs: 60_000 })
    await eventually('the attestation reaches both nodes', () => net.nodes.every((n) => n.consequences.book.attestations.has(commitment)))
    await node(0).consequences.openDispute({ commitment, obligation: 'deliver', claim: 'not-as-agreed' })
    await eventually('the vendor holds the dispute', () => node(1).consequences.book.disputesOf.get(`${commitment}/deliver`)?.length === 1)
    await node(0).consequences.openDispute({ commitment, obligation: 'deliver', claim: 'not-as-agreed', statement: 'again' }).catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.equal(node(1).consequences.book.disputesOf.get(`${commitment}/deliver`)?.length, 1)
    assert.equal(node(0).consequences.book.disputesOf.get(`${commitment}/deliver`)?.length, 1, 'the claimant holds what the network holds')
  })
})
