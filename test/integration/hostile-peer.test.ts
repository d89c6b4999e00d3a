import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { verifyExports } from '../../src/audit/verify.js'
import { defaultConfig } from '../../src/config.js'
import { exportLog } from '../../src/log/export.js'
import { createPeer, type Peer } from '../../src/net/libp2p.js'
import { CARD_PROTOCOL, SYNC_PROTOCOL } from '../../src/net/protocols.js'
import { request, type NetError } from '../../src/net/rpc.js'
import { encode } from '../../src/records/codec.js'
import { agentCardKind } from '../../src/records/kinds/index.js'
import { signRecord } from '../../src/records/record.js'
import { testSigner } from '../helpers/keys.js'
import { eventually, fastConfig, startNetwork, type TestNetwork } from '../helpers/network.js'

describe('a hostile peer (raw libp2p streams)', function () {
  this.timeout(120_000)
  let net: TestNetwork
  let hostile: Peer

  before(async () => {
    net = await startNetwork(2)
    await net.nodes[1]!.publishCard({ agent: 'sales', capabilities: ['sell:gpu-hours'], summary: 'target', ttlMs: 3_600_000 })
    const config = defaultConfig()
    fastConfig(config)
    hostile = await createPeer(await generateKeyPair('Ed25519'), config)
    await hostile.start()
    await hostile.dial(net.nodes[1]!.peer.getMultiaddrs()[0]!)
  })

  after(async () => {
    await hostile?.stop()
    await net?.stop()
  })

  const target = (): TestNetwork['nodes'][number] => net.nodes[1]!
  const legitimateRequestWorks = async (): Promise<void> => {
    const answer = await request(net.nodes[0]!.peer, target().peerId, CARD_PROTOCOL, { network: 'devnet' }, target().config.net) as { cards: Uint8Array[] }
    assert.equal(answer.cards.length, 1)
  }
  const resetOrClosed = async (stream: Stream): Promise<string> => {
    try {
      const lp = lpStream(stream)
      await lp.read({ signal: AbortSignal.timeout(10_000) })
      return 'answered'
    } catch (err) {
      return (err as Error).name
    }
  }

  it('an oversized frame gets the stream reset; the node answers others', async () => {
    const stream = await hostile.dialProtocol(target().peerId, CARD_PROTOCOL)
    await lpStream(stream, { maxDataLength: 64 * 1024 * 1024 }).write(randomBytes(target().config.net.maxFrameBytes + 1))
    assert.notEqual(await resetOrClosed(stream), 'answered')
    await legitimateRequestWorks()
  })

  it('random bytes, and well-framed garbage, are refused', async () => {
    const raw = await hostile.dialProtocol(target().peerId, CARD_PROTOCOL)
    raw.send(randomBytes(512))
    assert.notEqual(await resetOrClosed(raw), 'answered')
    const framed = await hostile.dialProtocol(target().peerId, SYNC_PROTOCOL)
    const lp = lpStream(framed)
    await lp.write(encode({ after: -1, limit: 'all' }))
    const reply = (await lp.read({ signal: AbortSignal.timeout(5000) })).subarray()
    assert.match(Buffer.from(reply).toString('latin1'), /NET_REQUEST_INVALID/)
    await legitimateRequestWorks()
  })

  it('a request from another network is refused with NET_WRONG_NETWORK', async () => {
    await assert.rejects(request(hostile, target().peerId, CARD_PROTOCOL, { network: 'testnet' }, target().config.net),
      (err: NetError) => err.code === 'NET_REMOTE_ERROR' && err.details.remoteCode === 'NET_WRONG_NETWORK')
  })

  it('a sync peer serving records with bad signatures gets nothing stored', async () => {
    const forger = testSigner('forger')
    const card = signRecord(agentCardKind, { v: 1, org: forger.orgId, agent: 'x', capabilities: ['sell:gpu-hours'], summary: '', addresses: [], expires: Date.now() + 60_000, seq: 1 }, forger)
    const forged = encode({ ...card.value, summary: 'changed after signing' })
    await hostile.handle(SYNC_PROTOCOL, async (stream) => {
      const lp = lpStream(stream)
      await lp.read()
      await lp.write(encode({ ok: { records: [{ kind: 'agent-card', bytes: forged }], next: 1, more: false } }))
      await stream.close()
    })
    const before = target().log.head()
    await assert.rejects(target().syncWith(hostile.peerId), (err: Error) => /invalid agent-card/.test(err.message))
    assert.deepEqual(target().log.head(), before)
  })

  it('a flood of streams is cut at the per-peer limit, and the node stays up', async () => {
    const limit = target().config.net.maxStreamsPerPeer
    const openOnTarget = (): number => target().peer.getConnections(hostile.peerId)
      .flatMap((c) => c.streams).filter((s) => s.protocol === CARD_PROTOCOL && s.status === 'open').length
    let most = 0
    const flood = Promise.allSettled(Array.from({ length: 4 * limit }, async () => {
      const stream = await hostile.dialProtocol(target().peerId, CARD_PROTOCOL, { maxOutboundStreams: 1000 } as never)
      most = Math.max(most, openOnTarget())
      return resetOrClosed(stream)
    }))
    const results = await flood
    assert.ok(most <= limit, `at most ${limit} streams open at once on the target, saw ${most}`)
    assert.ok(results.every((r) => r.status === 'rejected' || r.value !== 'answered'), 'silent streams are never answered')
    await legitimateRequestWorks()
    await eventually('the target is still connected to the honest node', () => target().peer.getPeers().some((p) => p.equals(net.nodes[0]!.peerId)))
  })

  it('after all that, the target\'s log verifies', async () => {
    const file = join(net.root, 'target.car')
    await exportLog(target().log, file)
    const report = await verifyExports([file])
    assert.equal(report.ok, true, JSON.stringify(report.first))
  })
})
