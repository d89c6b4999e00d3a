// npm run bench:api [-- --json] [--n N]: the local HTTP API's cost, beside the direct library call
// measured in the same run on the same nodes: a cheap authenticated GET (/v1/status against
// node.status()), and one session message sent through the API up to the peer's acknowledgement
// (POST /v1/sessions/{id}/messages against sessions.send()).
import '../src/polyfill.js'
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { addAgent } from '../src/api/agent-registry.js'
import type { AspNode } from '../src/node.js'
import { eventually, startNetwork } from '../test/helpers/network.js'
import { print, type Row } from './bench/report.js'
import { summary } from './bench/stats.js'

const { values } = parseArgs({ options: { json: { type: 'boolean' }, n: { type: 'string', default: '1000' } } })
const json = values.json === true
const n = Number(values.n)
const progress = (text: string): void => { if (!json) process.stderr.write(`${text}\n`) }

async function timeEach (count: number, fn: (i: number) => unknown): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < count; i++) {
    const t = performance.now()
    await fn(i)
    out.push((performance.now() - t) * 1000)
  }
  return out
}

const net = await startNetwork(2)
try {
  const [buyer, seller] = net.nodes as [AspNode, AspNode]
  await eventually('connected', () => buyer.peer.getPeers().length > 0)
  const { token } = await addAgent(net.dir(0), 'procurement')
  const url = buyer.apiUrl as string
  const auth = { authorization: `Bearer ${token}` }
  const get = async (path: string, headers: Record<string, string> = auth): Promise<void> => {
    const res = await fetch(url + path, { headers })
    if (!res.ok) throw new Error(`${path}: ${res.status}`)
    await res.arrayBuffer()
  }

  progress(`cheap GET: ${n} each of node.status(), GET /v1/health (no token), GET /v1/status (agent token)`)
  await timeEach(200, async () => get('/v1/status')) // warm-up: connection, JIT
  const direct = summary(await timeEach(n, () => buyer.status()))
  const health = summary(await timeEach(n, async () => get('/v1/health', {})))
  const status = summary(await timeEach(n, async () => get('/v1/status')))

  progress(`one session message to the peer's acknowledgement: ${n} through sessions.send(), ${n} through the API`)
  const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'QUERY', body: { question: 'bench' } })
  // The seller answers each question through the library, so the buyer always may speak next.
  const answer = async (i: number): Promise<void> => { await seller.sessions.send(s.id, { type: 'INFORM', body: { text: `answer ${i}` } }) }
  const libraryTrips: number[] = []
  const apiTrips: number[] = []
  const keyedTrips: number[] = []
  const post = async (i: number, key?: string): Promise<void> => {
    const res = await fetch(`${url}/v1/sessions/${s.id}/messages`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', ...(key !== undefined ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify({ type: 'QUERY', body: { question: `question ${i}` } })
    })
    if (res.status !== 201) throw new Error(`send: ${res.status} ${await res.text()}`)
    await res.arrayBuffer()
  }
  await answer(-1)
  for (let i = 0; i < 50; i++) { await post(i); await answer(i) } // warm-up
  // Interleaved, so drift on a noisy machine falls on all three alike.
  for (let i = 0; i < n; i++) {
    let t = performance.now()
    await buyer.sessions.send(s.id, { type: 'QUERY', body: { question: `question ${i}` } })
    libraryTrips.push((performance.now() - t) * 1000)
    await answer(i)
    t = performance.now()
    await post(i)
    apiTrips.push((performance.now() - t) * 1000)
    await answer(i)
    t = performance.now()
    await post(i, randomUUID())
    keyedTrips.push((performance.now() - t) * 1000)
    await answer(i)
  }
  const library = summary(libraryTrips)
  const api = summary(apiTrips)
  const keyed = summary(keyedTrips)

  const rows: Row[] = [
    { name: 'node.status(), direct call (p50)', value: direct.p50, unit: 'µs' },
    { name: 'GET /v1/health, no token (p50)', value: health.p50, unit: 'µs' },
    { name: 'GET /v1/status, agent token (p50)', value: status.p50, unit: 'µs', baseline: { name: 'node.status() + GET /v1/health', value: direct.p50 + health.p50 } },
    { name: 'GET /v1/status, agent token (p99)', value: status.p99, unit: 'µs' },
    { name: 'session message, sessions.send() (p50)', value: library.p50, unit: 'µs' },
    { name: 'session message, POST through the API (p50)', value: api.p50, unit: 'µs', baseline: { name: 'sessions.send()', value: library.p50 } },
    { name: 'same, with an Idempotency-Key (p50)', value: keyed.p50, unit: 'µs', baseline: { name: 'sessions.send()', value: library.p50 } },
    { name: 'session message, POST through the API (p99)', value: api.p99, unit: 'µs', baseline: { name: 'sessions.send() p99', value: library.p99 } }
  ]
  print('bench:api', rows, json, { direct, health, status, library, api, keyed })
} finally {
  await net.stop()
}
