// npm run bench:session [-- --json] [--deals N]: negotiation over /asp/session/1.0.0 between two
// real nodes on 127.0.0.1, beside the parts no implementation can avoid, measured in the same run:
// a raw libp2p round trip on an open stream, one Ed25519 sign, one verify, one durable LevelDB write.
import '../src/polyfill.js'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Level } from 'level'
import { verify } from '../src/records/ed25519.js'
import { domainSeparated } from '../src/records/record.js'
import { agreementId } from '../src/session/agreement.js'
import { COMMITMENT_DOMAIN } from '../src/session/machine.js'
import type { AspNode } from '../src/node.js'
import { terms } from '../test/helpers/session-kit.js'
import { eventually, startNetwork } from '../test/helpers/network.js'
import { rawRoundTrips } from './bench/raw-stream.js'
import { print, type Row } from './bench/report.js'
import { summary } from './bench/stats.js'

const { values } = parseArgs({ options: { json: { type: 'boolean' }, deals: { type: 'string', default: '256' }, messages: { type: 'string', default: '400' } } })
const json = values.json === true
const concurrentDeals = Number(values.deals)
const messageCount = Number(values.messages)
const progress = (text: string): void => { if (!json) process.stderr.write(`${text}\n`) }

function timeEach (n: number, fn: () => void): number[] {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    fn()
    out.push((performance.now() - t) * 1000)
  }
  return out
}

/** REQUEST, PROPOSE, ACCEPT, COMMIT, COMMIT: a deal from first word to binding commitment. */
async function deal (buyer: AspNode, seller: AspNode): Promise<void> {
  const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: 'bench' } })
  const offered = await seller.sessions.send(s.id, { type: 'PROPOSE', body: { terms: terms({ arbiters: [], quorum: 0 }) } })
  await buyer.sessions.send(s.id, { type: 'ACCEPT', body: { offer: offered.liveOffer!.cid } })
  for (const node of [seller, buyer]) {
    const { bytes, cid } = agreementId(node.sessions.state(s.id)!.agreement!.value)
    await node.sessions.send(s.id, { type: 'COMMIT', body: { agreement: cid, sig: node.key.signer.sign(domainSeparated(COMMITMENT_DOMAIN, bytes)) } })
  }
}

const net = await startNetwork(2, { config: (c) => { c.net.maxStreamsPerPeer = 128 } })
try {
  const [buyer, seller] = net.nodes as [AspNode, AspNode]
  await eventually('connected', () => buyer.peer.getPeers().length > 0)

  progress('baselines: raw libp2p round trip, sign, verify, durable write')
  const raw = summary(await rawRoundTrips(buyer, seller, 200, 2000))
  const message = new Uint8Array(420).fill(3) // about a session message's signing message
  const sig = buyer.key.signer.sign(message)
  const sign = summary(timeEach(2000, () => { buyer.key.signer.sign(message) }))
  const ver = summary(timeEach(2000, () => { verify(buyer.key.signer.publicKey, message, sig) }))
  const db = new Level<string, Uint8Array>(join(net.root, 'bench-db'), { valueEncoding: 'view' })
  await db.open()
  const writes: number[] = []
  for (let i = 0; i < 300; i++) {
    const t = performance.now()
    await db.put(`k${i}`, message, { sync: true })
    writes.push((performance.now() - t) * 1000)
  }
  await db.close()
  const write = summary(writes)

  progress(`one message, sent and acknowledged: ${messageCount} QUERY/INFORM on one session`)
  const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: 'latency' } })
  const trips: number[] = []
  for (let i = 0; i < messageCount; i++) {
    const [from, type] = i % 2 === 0 ? [seller, 'INFORM' as const] : [buyer, 'QUERY' as const]
    const t = performance.now()
    if (type === 'INFORM') await from.sessions.send(s.id, { type, body: { text: `answer ${i}` } })
    else await from.sessions.send(s.id, { type, body: { question: `question ${i}` } })
    trips.push((performance.now() - t) * 1000)
  }
  const one = summary(trips)
  const bound = raw.p50 + sign.p50 + ver.p50 + 2 * write.p50

  progress('deals per second, one session at a time')
  let t = performance.now()
  const sequential = 40
  for (let i = 0; i < sequential; i++) await deal(buyer, seller)
  const dealsOne = sequential / ((performance.now() - t) / 1000)

  progress(`deals per second, 64 sessions at once (${concurrentDeals} deals)`)
  t = performance.now()
  let next = 0
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < concurrentDeals) {
      next++
      await deal(buyer, seller)
    }
  }))
  const deals64 = concurrentDeals / ((performance.now() - t) / 1000)

  const rows: Row[] = [
    { name: 'raw libp2p round trip, open stream (p50)', value: raw.p50, unit: 'µs' },
    { name: 'Ed25519 sign, node:crypto (p50)', value: sign.p50, unit: 'µs' },
    { name: 'Ed25519 verify, node:crypto (p50)', value: ver.p50, unit: 'µs' },
    { name: 'durable LevelDB write, sync (p50)', value: write.p50, unit: 'µs' },
    { name: 'ASP message sent and acknowledged (p50)', value: one.p50, unit: 'µs', baseline: { name: 'raw RTT + sign + verify + 2 writes', value: bound }, target: '<= 1.5x baseline', pass: one.p50 <= 1.5 * bound },
    { name: 'ASP message sent and acknowledged (p99)', value: one.p99, unit: 'µs' },
    { name: 'deals/s (REQUEST to both COMMITs), 1 session', value: dealsOne, unit: '/s' },
    { name: 'deals/s, 64 concurrent sessions', value: deals64, unit: '/s', target: '>= 300/s', pass: deals64 >= 300 }
  ]
  print('bench:session', rows, json, { raw, sign, verify: ver, write, message: one })
} finally {
  await net.stop()
}
