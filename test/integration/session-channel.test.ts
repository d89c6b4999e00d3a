import assert from 'node:assert/strict'
import type { Stream } from '@libp2p/interface'
import type { Log } from '../../src/log/log.js'
import type { SessionError } from '../../src/session/machine.js'
import { SESSION_PROTOCOL, type SessionManager } from '../../src/session/manager.js'
import type { AspNode } from '../../src/node.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'

const cids = (m: SessionManager, session: string): string[] => m.transcript(session).map((x) => x.cid.toString())

/** The session streams `node` has opened to `remote` that are still open. */
function sessionStreams (node: AspNode, remote: AspNode): Stream[] {
  return node.peer.getConnections(remote.peerId).flatMap((c) => c.streams)
    .filter((s) => s.protocol === SESSION_PROTOCOL && s.direction === 'outbound' && s.status === 'open')
}

/** Entries of `log` that record the record `cid` (a session message is recorded once per log). */
async function entriesRecording (log: Log, cid: string): Promise<number> {
  let n = 0
  for await (const entry of log.entries()) {
    const body = entry.value.body as { record?: { toString(): string } }
    if (entry.value.kind === 'record' && body.record?.toString() === cid) n++
  }
  return n
}

/** Holds `log`'s next appends until `release` is called; `entered` resolves when the first one arrives. */
function holdAppends (log: Log): { entered: Promise<void>, release: () => void } {
  const original = log.append.bind(log)
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  let enter!: () => void
  const entered = new Promise<void>((resolve) => { enter = resolve })
  log.append = (async (...args: Parameters<Log['append']>) => {
    enter()
    await gate
    return original(...args)
  }) as Log['append']
  return { entered, release: () => { log.append = original as Log['append']; release() } }
}

describe('session channels: one long-lived stream per peer (/asp/session/1.0.0)', function () {
  this.timeout(120_000)
  let net: TestNetwork
  let buyer: AspNode
  let seller: AspNode

  before(async () => {
    net = await startNetwork(2, { config: (c) => { c.net.maxStreamsPerPeer = 32 } })
    ;[buyer, seller] = net.nodes as [AspNode, AspNode]
    await eventually('connected', () => buyer.peer.getPeers().length > 0)
  })

  after(async () => net?.stop())

  it('64 concurrent sessions share one stream each way, and every transcript is the same on both sides', async () => {
    const first = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'QUERY', body: { question: 'warm up' } })
    const [stream] = sessionStreams(buyer, seller)
    assert.ok(stream !== undefined, 'the first message opened a session stream')
    const ids = await Promise.all(Array.from({ length: 64 }, async (_, i) => {
      const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'QUERY', body: { question: `q${i}` } })
      for (let round = 0; round < 3; round++) {
        await seller.sessions.send(s.id, { type: 'INFORM', body: { text: `a${i}.${round}` } })
        await buyer.sessions.send(s.id, { type: 'QUERY', body: { question: `q${i}.${round}` } })
      }
      return s.id
    }))
    for (const id of [first.id, ...ids]) assert.deepEqual(cids(buyer.sessions, id), cids(seller.sessions, id))
    for (const id of ids) assert.equal(cids(seller.sessions, id).length, 7)
    const after = sessionStreams(buyer, seller)
    assert.equal(after.length, 1, 'one outbound session stream from the buyer')
    assert.equal(after[0]?.id, stream.id, 'the same stream carried every message')
    assert.equal(sessionStreams(seller, buyer).length, 1, 'one outbound session stream from the seller')
  })

  it('a reply sent the moment a message arrives is applied after that message, even when it overtakes the acknowledgement', async () => {
    const replies: Array<Promise<unknown>> = []
    const stop = seller.sessions.onEvent((event) => {
      if (event.direction === 'in' && event.message.type === 'QUERY') replies.push(seller.sessions.send(event.session, { type: 'INFORM', body: { text: 'at once' } }))
    })
    try {
      const ids: string[] = []
      for (let i = 0; i < 20; i++) {
        ids.push((await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'QUERY', body: { question: `now ${i}?` } })).id)
      }
      await Promise.all(replies)
      for (const id of ids) {
        assert.equal(cids(seller.sessions, id).length, 2)
        assert.deepEqual(cids(buyer.sessions, id), cids(seller.sessions, id))
      }
    } finally {
      stop()
    }
  })

  it('the stream reset with a message in flight: the resend delivers it exactly once', async () => {
    const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'QUERY', body: { question: 'before the cut' } })
    const [old] = sessionStreams(buyer, seller)
    const held = holdAppends(seller.log)
    const sending = buyer.sessions.send(s.id, { type: 'QUERY', body: { question: 'through the cut' } })
    await held.entered // the seller has checked the message and is recording it
    old?.abort(new Error('cut by the test'))
    setTimeout(held.release, 300) // the buyer's resend arrives meanwhile, and waits for the session
    const state = await sending
    assert.equal(state.seq, 2)
    assert.deepEqual(cids(buyer.sessions, s.id), cids(seller.sessions, s.id))
    const message = buyer.sessions.transcript(s.id)[1]!.cid.toString()
    assert.equal(await entriesRecording(seller.log, message), 1, 'recorded once by the receiver')
    assert.equal(await entriesRecording(buyer.log, message), 1, 'recorded once by the sender')
    const [fresh] = sessionStreams(buyer, seller)
    assert.notEqual(fresh?.id, old?.id, 'the resend went on a new stream')
  })

  it('the connection dropped with a message in flight: after redial, exactly one delivery', async () => {
    const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'QUERY', body: { question: 'before the drop' } })
    const held = holdAppends(seller.log)
    const sending = buyer.sessions.send(s.id, { type: 'QUERY', body: { question: 'through the drop' } })
    await held.entered
    await buyer.peer.hangUp(seller.peerId)
    setTimeout(held.release, 300)
    await sending
    assert.deepEqual(cids(buyer.sessions, s.id), cids(seller.sessions, s.id))
    const message = buyer.sessions.transcript(s.id)[1]!.cid.toString()
    assert.equal(await entriesRecording(seller.log, message), 1)
    assert.equal(await entriesRecording(buyer.log, message), 1)
  })

  it('an idle channel is closed, and the next message opens a new one', async () => {
    const quick = await startNetwork(2, { config: (c) => { c.net.channelIdleMs = 200 } })
    try {
      const [a, b] = quick.nodes as [AspNode, AspNode]
      await eventually('connected', () => a.peer.getPeers().length > 0)
      const s = await a.sessions.open('procurement', { org: b.key.orgId, agent: 'sales' }, { type: 'QUERY', body: { question: 'one' } })
      assert.equal(sessionStreams(a, b).length, 1)
      await eventually('the idle stream is closed on both sides', () => sessionStreams(a, b).length === 0 &&
        b.peer.getConnections(a.peerId).flatMap((c) => c.streams).every((st) => st.protocol !== SESSION_PROTOCOL || st.status !== 'open'))
      await a.sessions.send(s.id, { type: 'QUERY', body: { question: 'two' } })
      assert.deepEqual(cids(a.sessions, s.id), cids(b.sessions, s.id))
      assert.equal(cids(b.sessions, s.id).length, 2)
    } finally {
      await quick.stop()
    }
  })
})

describe('session rate limit per peer', function () {
  this.timeout(60_000)
  let net: TestNetwork

  before(async () => {
    // A bucket of 3 messages that refills once in 1000 s: the fourth message in a row is over it.
    net = await startNetwork(2, { config: (c) => { c.session.messageBurst = 3; c.session.messagesPerSecond = 0.001 } })
    await eventually('connected', () => net.nodes[0]!.peer.getPeers().length > 0)
  })

  after(async () => net?.stop())

  it('a peer over its rate is refused with SESSION_RATE_LIMITED, and nothing is logged on either side', async () => {
    const [buyer, seller] = net.nodes as [AspNode, AspNode]
    const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'QUERY', body: { question: '1' } })
    await buyer.sessions.send(s.id, { type: 'QUERY', body: { question: '2' } })
    await buyer.sessions.send(s.id, { type: 'QUERY', body: { question: '3' } })
    const heads = [buyer.log.head(), seller.log.head()]
    await assert.rejects(buyer.sessions.send(s.id, { type: 'QUERY', body: { question: '4' } }), (err: SessionError) => (err.code as string) === 'SESSION_RATE_LIMITED' && err.name === 'SessionError')
    assert.deepEqual([buyer.log.head(), seller.log.head()], heads)
    assert.equal(cids(seller.sessions, s.id).length, 3)
    assert.deepEqual(cids(buyer.sessions, s.id), cids(seller.sessions, s.id))
    // The limit is per peer and per direction: the seller still reaches the buyer.
    await seller.sessions.send(s.id, { type: 'INFORM', body: { text: 'the other way' } })
    assert.deepEqual(cids(buyer.sessions, s.id), cids(seller.sessions, s.id))
  })
})
