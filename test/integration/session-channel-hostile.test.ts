// Raw bytes on /asp/session/1.0.0 from a stream the test dials itself: every hostile frame ends in a
// typed error frame or a reset, the target keeps serving, and nothing reaches its log.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { base32 } from 'multiformats/bases/base32'
import { defaultConfig } from '../../src/config.js'
import { Channels } from '../../src/net/channel.js'
import { frame } from '../../src/net/frames.js'
import { createPeer, type Peer } from '../../src/net/libp2p.js'
import type { NetError } from '../../src/net/rpc.js'
import { encode } from '../../src/records/codec.js'
import { signRecord } from '../../src/records/record.js'
import { SESSION_FRAME_BYTES, SESSION_PROTOCOL } from '../../src/session/manager.js'
import { sessionMessageKind } from '../../src/session/message-kind.js'
import type { AspNode } from '../../src/node.js'
import { eventually, fastConfig, startNetwork, type TestNetwork } from '../helpers/network.js'

type Answer = Record<string, unknown>

/** Reads the next answer frame, or the name of the error that ended the stream instead. */
async function nextAnswer (lp: ReturnType<typeof lpStream>): Promise<Answer | string> {
  try {
    return dagCbor.decode((await lp.read({ signal: AbortSignal.timeout(10_000) })).subarray())
  } catch (err) {
    return (err as Error).name
  }
}

describe('a hostile peer on a session channel (raw frames)', function () {
  this.timeout(120_000)
  let net: TestNetwork
  let mallory: AspNode
  let target: AspNode

  before(async () => {
    net = await startNetwork(2, { config: (c) => { c.net.maxInFlightPerPeer = 4 } })
    ;[mallory, target] = net.nodes as [AspNode, AspNode]
    await eventually('connected', () => mallory.peer.getPeers().length > 0)
  })

  after(async () => net?.stop())

  const open = async (): Promise<{ stream: Stream, lp: ReturnType<typeof lpStream> }> => {
    const stream = await mallory.peer.dialProtocol(target.peerId, SESSION_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    return { stream, lp: lpStream(stream, { maxDataLength: SESSION_FRAME_BYTES }) }
  }
  /** A valid first message of a new session from mallory's org, as the bytes of a request. */
  const firstMessage = (text: string): Uint8Array => signRecord(sessionMessageKind, {
    v: 1, type: 'QUERY', session: base32.baseEncode(randomBytes(16)), seq: 1, prev: null,
    from: { org: mallory.key.orgId, agent: 'm' }, to: { org: target.key.orgId, agent: 'sales' }, ts: Date.now(), body: { question: text }
  }, mallory.key.signer).bytes
  const untouched = async <T>(what: () => Promise<T>): Promise<T> => {
    const head = target.log.head()
    const result = await what()
    assert.deepEqual(target.log.head(), head, 'nothing reached the log')
    return result
  }
  const stillServes = async (): Promise<void> => {
    const s = await mallory.sessions.open('m', { org: target.key.orgId, agent: 'sales' }, { type: 'QUERY', body: { question: 'still there?' } })
    assert.equal(target.sessions.state(s.id)?.seq, 1)
  }

  it('an oversized frame, a non-minimal prefix, garbage and non-canonical CBOR each get the stream reset', async () => {
    await untouched(async () => {
      for (const bytes of [
        frame(new Uint8Array(SESSION_FRAME_BYTES + 1)).subarray(0, 3), // the prefix alone is refused
        Uint8Array.of(0x85, 0x00, 1, 2, 3, 4, 5), // 5 written in two bytes
        frame(Uint8Array.of(0xff, 0xfe, 0xfd)), // not CBOR
        frame(Uint8Array.of(0xa2, 0x62, 0x69, 0x64, 0x01, 0x62, 0x69, 0x64, 0x02)), // a map with a repeated key
        frame(Uint8Array.of(0x19, 0x00, 0x01)) // 1 in a longer form than needed
      ]) {
        const { stream, lp } = await open()
        stream.send(bytes)
        assert.equal(typeof await nextAnswer(lp), 'string', `reset after ${Buffer.from(bytes.subarray(0, 8)).toString('hex')}`)
      }
    })
    await stillServes()
  })

  it('well-framed wrong requests get typed error frames by id; an id that does not increase gets a reset', async () => {
    await untouched(async () => {
      const { stream, lp } = await open()
      await lp.write(encode({ id: 1, request: { message: firstMessage('x') }, extra: true }))
      assert.deepEqual(await nextAnswer(lp), { id: 1, error: { code: 'NET_REQUEST_INVALID', message: 'a request frame is {id, request}' } })
      await lp.write(encode({ id: 2, request: { message: Uint8Array.of(1, 2, 3) } }))
      const bad = await nextAnswer(lp) as Answer
      assert.equal(bad.id, 2)
      assert.equal((bad.error as { code: string }).code, 'RECORD_DECODE_FAILED')
      await lp.write(encode({ id: 3, request: { text: 'hello' } }))
      assert.equal(((await nextAnswer(lp) as Answer).error as { code: string }).code, 'NET_REQUEST_INVALID')
      // A message signed by another org than the stream's peer (here, the target's own).
      const forged = signRecord(sessionMessageKind, { v: 1, type: 'QUERY', session: 'bbbbbbbbbbbbbbbbbbbbbbbbba', seq: 1, prev: null, from: { org: target.key.orgId, agent: 'x' }, to: { org: mallory.key.orgId, agent: 'y' }, ts: 1, body: { question: '?' } }, target.key.signer)
      await lp.write(encode({ id: 4, request: { message: forged.bytes } }))
      assert.equal(((await nextAnswer(lp) as Answer).error as { code: string }).code, 'SESSION_WRONG_PEER')
      await lp.write(encode({ id: 4, request: { message: forged.bytes } }))
      assert.equal(typeof await nextAnswer(lp), 'string', 'a repeated id resets the stream')
      assert.notEqual(stream.status, 'open')
    })
    await stillServes()
  })

  it('a flood beyond the in-flight limit is answered NET_BUSY; what got in is served and acknowledged', async () => {
    const { lp } = await open()
    const limit = target.config.net.maxInFlightPerPeer
    // Hold the target's log so that admitted requests stay in flight while the flood arrives.
    const append = target.log.append.bind(target.log)
    let release!: () => void
    const gate = new Promise<void>((resolve) => { release = resolve })
    target.log.append = (async (...args: Parameters<typeof append>) => { await gate; return append(...args) }) as typeof append
    const total = limit + 20
    const written: number[] = []
    for (let id = 1; id <= total; id++) {
      await lp.write(encode({ id, request: { message: firstMessage(`flood ${id}`) } }))
      written.push(id)
    }
    const busy: number[] = []
    for (let i = 0; i < total - limit; i++) {
      const answer = await nextAnswer(lp) as Answer
      assert.equal((answer.error as { code: string }).code, 'NET_BUSY', JSON.stringify(answer))
      busy.push(answer.id as number)
    }
    target.log.append = append
    release()
    const acked: number[] = []
    for (let i = 0; i < limit; i++) {
      const answer = await nextAnswer(lp) as Answer
      assert.ok('ok' in answer, JSON.stringify(answer))
      acked.push(answer.id as number)
    }
    assert.deepEqual([...busy, ...acked].sort((a, b) => a - b), written)
    await stillServes()
  })

  it('a stream that ends inside a frame is reset, and a silent one too, after the deadline', async () => {
    await untouched(async () => {
      const { stream, lp } = await open()
      stream.send(frame(encode({ id: 1, request: { message: firstMessage('cut') } })).subarray(0, 40))
      await stream.close()
      assert.equal(typeof await nextAnswer(lp), 'string')
      const silent = await open()
      assert.equal(typeof await nextAnswer(silent.lp), 'string', `reset within ${target.config.net.readTimeoutMs} ms`)
    })
  })
})

describe('a hostile responder on a channel', function () {
  this.timeout(60_000)
  const PROTOCOL = '/asp-test/channel/1.0.0'
  let net: TestNetwork
  let hostile: Peer

  before(async () => {
    net = await startNetwork(1)
    const config = defaultConfig()
    fastConfig(config)
    hostile = await createPeer(await generateKeyPair('Ed25519'), config)
    await hostile.start()
    await net.nodes[0]!.peer.dial(hostile.getMultiaddrs()[0]!)
  })

  after(async () => {
    await hostile?.stop()
    await net?.stop()
  })

  const limits = { maxFrameBytes: 4096, requestTimeoutMs: 3000, maxInFlight: 8, idleMs: 10_000, maxStreams: 4 }
  let served: Stream | undefined
  const answering = async (reply: (id: unknown) => Uint8Array): Promise<void> => {
    await hostile.handle(PROTOCOL, async (stream) => {
      served = stream
      const lp = lpStream(stream)
      const request = dagCbor.decode<{ id: unknown }>((await lp.read()).subarray())
      stream.send(reply(request.id))
    }, { force: true })
  }

  for (const [name, reply, code] of [
    ['an answer to an id never sent', () => frame(encode({ id: 99, ok: 1 })), 'NET_FRAME_INVALID'],
    ['an answer of the wrong shape', (id: unknown) => frame(encode({ id, ok: 1, also: 2 })), 'NET_FRAME_INVALID'],
    ['an oversized answer', () => frame(new Uint8Array(5000)), 'NET_FRAME_INVALID'],
    ['non-canonical CBOR', () => frame(Uint8Array.of(0xa2, 0x62, 0x69, 0x64, 0x01, 0x62, 0x6f, 0x6b, 0x18, 0x01)), 'NET_FRAME_INVALID']
  ] as const) {
    it(`${name}: the request fails with ${code} and the stream is reset`, async () => {
      await answering(reply as (id: unknown) => Uint8Array)
      const channels = new Channels(net.nodes[0]!.peer, PROTOCOL, limits)
      await assert.rejects(channels.request(hostile.peerId, { hello: 1 }), (err: NetError) => err.code === code)
      await eventually('the hostile side sees a reset', () => served?.status === 'reset')
      channels.close()
    })
  }

  it('a responder that never answers: NET_TIMEOUT, and the stuck stream is replaced', async () => {
    await hostile.handle(PROTOCOL, async () => {}, { force: true })
    const channels = new Channels(net.nodes[0]!.peer, PROTOCOL, { ...limits, requestTimeoutMs: 300 })
    await assert.rejects(channels.request(hostile.peerId, { hello: 1 }), (err: NetError) => err.code === 'NET_TIMEOUT')
    await answering((id) => frame(encode({ id, ok: 'fine' })))
    assert.equal(await channels.request(hostile.peerId, { hello: 2 }), 'fine')
    channels.close()
  })
})
