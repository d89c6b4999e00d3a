import assert from 'node:assert/strict'
import type { ApiEvent } from '../../src/api/contract/events.js'
import { decodeRecord } from '../../src/records/record.js'
import { commitmentKind } from '../../src/session/commitment-kind.js'
import type { AspClient, Response } from '../../src/client/client.js'
import { agentClient, dealTerms, fastWebhooks, WebhookReceiver } from '../helpers/api-kit.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'

describe('API: two agents on two nodes close a deal through HTTP only', function () {
  this.timeout(120_000)
  let net: TestNetwork
  let buyer: AspClient
  let seller: AspClient
  const hooks = { buyer: new WebhookReceiver(), seller: new WebhookReceiver() }
  const stop = new AbortController()

  before(async () => {
    net = await startNetwork(2, { config: fastWebhooks })
    await eventually('connected', () => net.nodes[0]!.peer.getPeers().length > 0)
    // Registered while the nodes run: the node picks the new tokens up at once.
    buyer = await agentClient(net, 0, 'procurement')
    seller = await agentClient(net, 1, 'sales')
  })

  after(async () => {
    stop.abort()
    await hooks.buyer.close()
    await hooks.seller.close()
    await net?.stop()
  })

  it('card, discovery, REQUEST .. COMMIT on both sides, CONFIRM, CLOSE; events on SSE and webhooks', async () => {
    for (const [who, client] of [['buyer', buyer], ['seller', seller]] as const) {
      const url = await hooks[who].listen()
      const hook = await client.call('setWebhook', { body: { url } })
      hooks[who].secret = hook.secret
    }
    const sse: ApiEvent[] = []
    const reading = (async () => { for await (const e of buyer.events({ signal: stop.signal })) sse.push(e) })()

    const card = await seller.call('publishCard', { body: { capabilities: ['sell:gpu-hours'], summary: 'GPU hours, A100' } })
    assert.equal(card.agent, 'sales')
    let found: Response<'discover'>['agents'] = []
    await eventually('the seller is discovered', async () => {
      found = (await buyer.call('discover', { query: { capability: 'sell:gpu-hours' } })).agents
      return found.length > 0
    })
    const offerer = found[0]!
    assert.equal(offerer.agent, 'sales')

    const opened = await buyer.call('openSession', { body: { to: { org: offerer.org, agent: offerer.agent }, message: { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: '500 GPU hours by Friday' } } } })
    const id = opened.id
    assert.equal(opened.role, 'initiator')

    // The seller learns of the session from its own event list.
    let sellerSession = ''
    await eventually('the seller hears of the request', async () => {
      const { events } = await seller.call('listEvents', { query: {} })
      sellerSession = String(events.find((e) => e.type === 'message.received')?.data.session ?? '')
      return sellerSession !== ''
    })
    assert.equal(sellerSession, id)
    const proposed = await seller.call('sendMessage', { params: { id }, body: { type: 'PROPOSE', body: { terms: dealTerms() as never } } })
    assert.ok(proposed.liveOffer !== null)
    await buyer.call('sendMessage', { params: { id }, body: { type: 'QUERY', body: { question: 'which GPUs?' } } })
    await seller.call('sendMessage', { params: { id }, body: { type: 'INFORM', body: { text: 'A100 80GB' } } })
    const state = await buyer.call('getSession', { params: { id } })
    const accepted = await buyer.call('sendMessage', { params: { id }, body: { type: 'ACCEPT', body: { offer: state.liveOffer!.cid } } })
    assert.equal(accepted.phase, 'accepted')
    const agreement = accepted.agreement!.cid
    await seller.call('sendMessage', { params: { id }, body: { type: 'COMMIT', body: { agreement } } })
    const committed = await buyer.call('sendMessage', { params: { id }, body: { type: 'COMMIT', body: { agreement } } })
    assert.equal(committed.phase, 'committed')
    assert.ok(committed.commitment !== null)

    // The same dual-signed commitment on both sides, and it verifies as a record.
    const c1 = await buyer.call('getCommitment', { params: { id } })
    const c2 = await seller.call('getCommitment', { params: { id } })
    assert.equal(c1.cid, c2.cid)
    assert.equal(c1.record, c2.record)
    assert.doesNotThrow(() => decodeRecord(commitmentKind, Buffer.from(c1.record, 'base64')))

    await buyer.call('sendMessage', { params: { id }, body: { type: 'CONFIRM', body: { obligation: 'deliver' } } })
    const fulfilled = await seller.call('sendMessage', { params: { id }, body: { type: 'CONFIRM', body: { obligation: 'pay' } } })
    assert.equal(fulfilled.phase, 'fulfilled')
    const closed = await seller.call('sendMessage', { params: { id }, body: { type: 'CLOSE', body: {} } })
    assert.equal(closed.phase, 'closed')

    const t1 = await buyer.call('getTranscript', { params: { id } })
    const t2 = await seller.call('getTranscript', { params: { id } })
    assert.deepEqual(t1.messages.map((m) => m.cid), t2.messages.map((m) => m.cid))
    assert.deepEqual(t1.messages.map((m) => m.type), ['REQUEST', 'PROPOSE', 'QUERY', 'INFORM', 'ACCEPT', 'COMMIT', 'COMMIT', 'CONFIRM', 'CONFIRM', 'CLOSE'])
    assert.deepEqual((await buyer.call('listSessions', { query: {} })).sessions.map((s) => s.id), [id])

    // Ten messages: each side gets one message event per message, and the phase changes.
    const expected = t1.messages.map((m) => m.from.agent === 'procurement' ? 'message.sent' : 'message.received')
    const typesOf = (events: ApiEvent[]): string[] => events.filter((e) => e.type.startsWith('message.')).map((e) => e.type)
    // Both journals end with the session closed; the stream and the webhooks then hold all of them.
    const journal: Record<'buyer' | 'seller', ApiEvent[]> = { buyer: [], seller: [] }
    // Closed, and both receipts held (one is signed on the other node and arrives by gossip): nothing more comes.
    const closedIn = (events: ApiEvent[]): boolean => events.some((e) => e.type === 'session.phase' && e.data.to === 'closed') &&
      events.filter((e) => e.type === 'obligation.confirmed').length === 2
    await eventually('every event on the buyer\'s SSE stream and both webhooks', async () => {
      journal.buyer = (await buyer.call('listEvents', { query: { limit: 1000 } })).events
      journal.seller = (await seller.call('listEvents', { query: { limit: 1000 } })).events
      return closedIn(journal.buyer) && closedIn(journal.seller) &&
        sse.length === journal.buyer.length && hooks.buyer.events.length === journal.buyer.length && hooks.seller.events.length === journal.seller.length
    })
    assert.deepEqual(sse, journal.buyer)
    assert.deepEqual(hooks.seller.events, journal.seller)
    assert.deepEqual(typesOf(sse), expected)
    assert.deepEqual(hooks.buyer.ids(), sse.map((e) => e.id), 'the webhook gets what the stream gets, in the same order')
    for (const events of [sse, hooks.seller.events]) {
      const phases = events.filter((e) => e.type === 'session.phase').map((e) => e.data.to)
      assert.deepEqual(phases, ['negotiating', 'accepted', 'committed', 'fulfilled', 'closed'])
      const signed = events.filter((e) => e.type === 'commitment.signed')
      assert.equal(signed.length, 1)
      assert.equal(signed[0]!.data.commitment, c1.cid)
      // The consequences of the commitment: its attestation, and a receipt per confirmed obligation.
      assert.deepEqual(events.filter((e) => e.type === 'commitment.attested').map((e) => e.data.commitment), [agreement])
      assert.deepEqual(events.filter((e) => e.type === 'obligation.confirmed').map((e) => e.data.obligation).sort(), ['deliver', 'pay'])
      const ids = events.map((e) => Number(e.id))
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'in order')
      assert.equal(new Set(ids).size, ids.length, 'none twice')
    }
    assert.deepEqual(hooks.buyer.badSignatures, [])
    assert.deepEqual(hooks.seller.badSignatures, [])
    stop.abort()
    await reading
  })
})
