import assert from 'node:assert/strict'
import type { ApiEvent } from '../../src/api/contract/events.js'
import { parseSse, type SseMessage } from '../../src/client/sse.js'
import type { AspClient } from '../../src/client/client.js'
import { agentClient, operatorClient } from '../helpers/api-kit.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'

/** Opens an SSE stream and collects its messages until `stop` aborts. */
function listen (url: string, token: string, lastEventId: string | undefined, stop: AbortSignal): { messages: SseMessage[], done: Promise<void> } {
  const messages: SseMessage[] = []
  const done = (async () => {
    try {
      const res = await fetch(`${url}/v1/events`, { headers: { authorization: `Bearer ${token}`, ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}) }, signal: stop })
      assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
      for await (const m of parseSse(res.body as ReadableStream<Uint8Array>)) messages.push(m)
    } catch (err) {
      if (!stop.aborted) throw err
    }
  })()
  return { messages, done }
}

describe('API: server-sent events, resumable with Last-Event-ID', function () {
  this.timeout(60_000)
  let net: TestNetwork
  let buyer: AspClient
  let other: AspClient
  let operator: AspClient
  const tokenOf = (c: AspClient): string => (c as unknown as { token: string }).token

  before(async () => {
    net = await startNetwork(2)
    await eventually('connected', () => net.nodes[1]!.peer.getPeers().length > 0)
    buyer = await agentClient(net, 0, 'procurement')
    other = await agentClient(net, 0, 'other')
    operator = await operatorClient(net, 0)
  })

  after(async () => net?.stop())

  it('a stream replays after Last-Event-ID, then follows live; an agent sees only its own events, the operator all', async () => {
    const url = net.nodes[0]!.apiUrl as string
    const seller = net.nodes[1]!
    const s = await buyer.call('openSession', { body: { to: { org: seller.key.orgId, agent: 'sales' }, message: { type: 'QUERY', body: { question: 'q1' } } } })
    await other.call('openSession', { body: { to: { org: seller.key.orgId, agent: 'sales' }, message: { type: 'QUERY', body: { question: 'from other' } } } })
    let all: ApiEvent[] = []
    await eventually('both sessions journaled', async () => (all = (await operator.call('listEvents', { query: {} })).events).length === 4)
    const mine = all.filter((e) => e.agents.includes('procurement'))
    assert.equal(mine.length, 2)

    // From the start: the buyer's two events, not the other agent's.
    const stop = new AbortController()
    const first = listen(url, tokenOf(buyer), undefined, stop.signal)
    await eventually('replayed', () => first.messages.length === 2)
    assert.deepEqual(first.messages.map((m) => m.id), mine.map((e) => e.id))
    assert.deepEqual(first.messages.map((m) => m.event), ['message.sent', 'session.phase'])
    assert.deepEqual(JSON.parse(first.messages[0]!.data) as ApiEvent, mine[0])
    // Live: the seller answers.
    await seller.sessions.send(s.id, { type: 'INFORM', body: { text: 'a1' } })
    await eventually('live event', () => first.messages.length === 3)
    assert.equal(first.messages[2]!.event, 'message.received')
    stop.abort()
    await first.done

    // Disconnected; two more messages; resumed after the last id seen: exactly the missed ones.
    await seller.sessions.send(s.id, { type: 'INFORM', body: { text: 'a2' } })
    await seller.sessions.send(s.id, { type: 'INFORM', body: { text: 'a3' } })
    const stop2 = new AbortController()
    const resumed = listen(url, tokenOf(buyer), first.messages[2]!.id, stop2.signal)
    await eventually('resumed', () => resumed.messages.length === 2)
    assert.deepEqual(resumed.messages.map((m) => (JSON.parse(m.data) as { data: { message: { body: { text: string } } } }).data.message.body.text), ['a2', 'a3'])
    // The operator's stream holds everything, the other agent's only its own.
    const ops = listen(url, tokenOf(operator), '0', stop2.signal)
    const others = listen(url, tokenOf(other), '0', stop2.signal)
    await eventually('operator and other streams', () => ops.messages.length === 7 && others.messages.length === 2)
    assert.ok(others.messages.every((m) => (JSON.parse(m.data) as ApiEvent).agents.includes('other')))
    stop2.abort()
    await Promise.all([resumed.done, ops.done, others.done])
  })

  it('the typed client follows the stream across a node restart, without loss or repeat', async () => {
    const buyerNode = net.nodes[0]!
    const sellerAgent = await agentClient(net, 1, 'sales')
    const stop = new AbortController()
    const seen: ApiEvent[] = []
    const reading = (async () => { for await (const e of sellerAgent.events({ signal: stop.signal })) seen.push(e) })()
    const s = await (await agentClient(net, 0, 'procurement-2')).call('openSession', { body: { to: { org: net.nodes[1]!.key.orgId, agent: 'sales' }, message: { type: 'QUERY', body: { question: 'restart?' } } } })
    await eventually('first events', () => seen.length >= 2)
    await net.restart(1).then(async (node) => {
      // The client's URL is the old port: point a fresh client at the new one, resuming after the last id.
      stop.abort()
      await reading
      const resumed = new (sellerAgent.constructor as typeof AspClient)({ url: node.apiUrl as string, token: tokenOf(sellerAgent) })
      await eventually('reconnected', () => node.peer.getPeers().length > 0)
      const stop2 = new AbortController()
      const more: ApiEvent[] = []
      const reading2 = (async () => { for await (const e of resumed.events({ after: seen.at(-1)!.id, signal: stop2.signal })) more.push(e) })()
      await buyerNode.sessions.send(s.id, { type: 'INFORM', body: { text: 'after restart' } })
      await eventually('the event after the restart', () => more.length === 1)
      stop2.abort()
      await reading2
      const ids = [...seen, ...more].map((e) => Number(e.id))
      assert.deepEqual(ids, [...new Set(ids)].sort((a, b) => a - b))
    })
  })
  it('a stream asked to resume before the oldest event kept says so with an events.gap, then goes on from there', async () => {
    const small = await startNetwork(2, { config: (c) => { c.api.eventRetention = 100 } })
    try {
      await eventually('connected', () => small.nodes[1]!.peer.getPeers().length > 0)
      const agent = await agentClient(small, 0, 'procurement')
      const s = await agent.call('openSession', { body: { to: { org: small.nodes[1]!.key.orgId, agent: 'sales' }, message: { type: 'QUERY', body: { question: 'many?' } } } })
      for (let i = 0; i < 120; i++) await small.nodes[1]!.sessions.send(s.id, { type: 'INFORM', body: { text: `answer ${i}` } })
      let kept: ApiEvent[] = []
      await eventually('pruned to the bound', async () => {
        kept = (await agent.call('listEvents', { query: { limit: 1000 } })).events
        return kept.at(-1)?.id === '122' && kept.length <= 110
      })
      const stop = new AbortController()
      const stream = listen(small.nodes[0]!.apiUrl as string, tokenOf(agent), '1', stop.signal)
      await eventually('gap, then every event kept', () => stream.messages.length === kept.length + 1)
      stop.abort()
      await stream.done
      assert.equal(stream.messages[0]!.event, 'events.gap')
      const gap = JSON.parse(stream.messages[0]!.data) as ApiEvent
      assert.deepEqual(gap.data, { after: '1', resumedFrom: kept[0]!.id })
      assert.equal(gap.id, String(Number(kept[0]!.id) - 1))
      assert.deepEqual(stream.messages.slice(1).map((m) => m.id), kept.map((e) => e.id))
    } finally {
      await small.stop()
    }
  })
})
