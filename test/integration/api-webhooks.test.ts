import assert from 'node:assert/strict'
import type { ApiEvent } from '../../src/api/contract/events.js'
import type { AspClient } from '../../src/client/client.js'
import { agentClient, fastWebhooks, WebhookReceiver } from '../helpers/api-kit.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'

describe('API: webhooks from a persisted outbox', function () {
  this.timeout(120_000)
  let net: TestNetwork
  let buyer: AspClient
  const receiver = new WebhookReceiver()

  before(async () => {
    net = await startNetwork(2, { config: fastWebhooks })
    await eventually('connected', () => net.nodes[1]!.peer.getPeers().length > 0)
    // The buyer's node is node 1: it bootstraps from node 0, so it finds it again after a restart.
    buyer = await agentClient(net, 1, 'procurement')
  })

  after(async () => {
    await receiver.close()
    await net?.stop()
  })

  /** Every event of the buyer since the webhook was registered, as the node lists them. */
  const journal = async (client: AspClient, after: string): Promise<string[]> => (await client.call('listEvents', { query: { after, limit: 1000 } })).events.map((e: ApiEvent) => e.id)

  it('a receiver down, then a node restart, then the receiver up: every event, in order, none twice; and again across a restart', async () => {
    // Find a free port, and leave nothing listening on it: the receiver is down.
    const url = await receiver.listen()
    const port = receiver.port
    await receiver.close()
    const hook = await buyer.call('setWebhook', { body: { url } })
    receiver.secret = hook.secret
    const registeredAt = (await buyer.call('listEvents', { query: { after: '0', limit: 1000 } })).events.at(-1)?.id ?? '0'

    const seller = net.nodes[0]!
    const s = await buyer.call('openSession', { body: { to: { org: seller.key.orgId, agent: 'sales' }, message: { type: 'QUERY', body: { question: 'capacity?' } } } })
    for (let i = 0; i < 3; i++) await seller.sessions.send(s.id, { type: 'INFORM', body: { text: `answer ${i}` } })
    await eventually('deliveries fail and are retried', async () => (await buyer.call('getWebhook', { query: {} })).failures >= 3)
    assert.equal((await buyer.call('getWebhook', { query: {} })).deliveredThrough, null)

    // The node restarts while the receiver is still down; more events come after the restart.
    const node = await net.restart(1)
    buyer = new (buyer.constructor as typeof AspClient)({ url: node.apiUrl as string, token: (buyer as unknown as { token: string }).token })
    await eventually('reconnected', () => node.peer.getPeers().length > 0)
    await buyer.call('sendMessage', { params: { id: s.id }, body: { type: 'INFORM', body: { text: 'after the restart' } } })
    await seller.sessions.send(s.id, { type: 'INFORM', body: { text: 'seen' } })

    await receiver.listen(port)
    // QUERY sent and the session's first phase, three INFORMs received, one sent and one received after the restart.
    let expected: string[] = []
    await eventually('the last message journaled', async () => (expected = await journal(buyer, registeredAt)).length === 2 + 3 + 2)
    await eventually('every event delivered', () => receiver.events.length >= expected.length)
    assert.deepEqual(receiver.ids(), expected, 'in order, none twice')
    assert.deepEqual(receiver.badSignatures, [])
    const state = await buyer.call('getWebhook', { query: {} })
    assert.equal(state.deliveredThrough, expected.at(-1))
    assert.equal(state.failures, 0)

    // The receiver is up; the node restarts again: nothing is sent twice, and new events follow.
    const again = await net.restart(1)
    buyer = new (buyer.constructor as typeof AspClient)({ url: again.apiUrl as string, token: (buyer as unknown as { token: string }).token })
    await eventually('reconnected', () => again.peer.getPeers().length > 0)
    await seller.sessions.send(s.id, { type: 'INFORM', body: { text: 'one more' } })
    let all: string[] = []
    await eventually('the new message journaled', async () => (all = await journal(buyer, registeredAt)).length === expected.length + 1)
    await eventually('the new event delivered', () => receiver.events.length >= all.length)
    assert.deepEqual(receiver.ids(), all)
  })
  it('messages recorded while the API did not follow them (a crash between log and journal) become events at the next start, once', async () => {
    const seller = net.nodes[0]!
    const token = (buyer as unknown as { token: string }).token
    const s = await buyer.call('openSession', { body: { to: { org: seller.key.orgId, agent: 'sales' }, message: { type: 'QUERY', body: { question: 'still there?' } } } })
    const quiet = await net.restart(1, { api: false })
    await eventually('reconnected', () => quiet.peer.getPeers().length > 0)
    await seller.sessions.send(s.id, { type: 'INFORM', body: { text: 'while your API was down' } })
    const back = await net.restart(1)
    buyer = new (buyer.constructor as typeof AspClient)({ url: back.apiUrl as string, token })
    const events = (await buyer.call('listEvents', { query: { limit: 1000 } })).events.filter((e) => e.data.session === s.id && e.type.startsWith('message.'))
    assert.deepEqual(events.map((e) => [e.type, (e.data.message as { type: string }).type]), [['message.sent', 'QUERY'], ['message.received', 'INFORM']])
    const count = (await journal(buyer, '0')).length
    const last = await net.restart(1)
    buyer = new (buyer.constructor as typeof AspClient)({ url: last.apiUrl as string, token })
    assert.equal((await journal(buyer, '0')).length, count, 'caught up once: another start adds nothing')
  })
})
