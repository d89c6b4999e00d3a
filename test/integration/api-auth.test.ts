import assert from 'node:assert/strict'
import type { AspClient } from '../../src/client/client.js'
import type { AspNode } from '../../src/node.js'
import { agentClient, dealTerms, tokenOf } from '../helpers/api-kit.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'

interface Answer { status: number, code?: string, body: Record<string, unknown>, headers: Headers }

describe('API: tokens, bad input and idempotency keys', function () {
  this.timeout(120_000)
  let net: TestNetwork
  let node: AspNode
  let url: string
  let operator: string
  let buyer: AspClient
  let buyerToken: string
  let otherToken: string
  let session: string

  const raw = async (method: string, path: string, options: { token?: string, body?: string, type?: string, key?: string, headers?: Record<string, string> } = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
    if (options.body !== undefined) headers['content-type'] = options.type ?? 'application/json'
    if (options.key !== undefined) headers['idempotency-key'] = options.key
    const res = await fetch(url + path, { method, headers, body: options.body })
    const text = await res.text()
    const body = text.length > 0 ? JSON.parse(text) as Record<string, unknown> : {}
    if (res.status >= 400) assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8', `${method} ${path}: problem+json`)
    return { status: res.status, code: body.code as string | undefined, body, headers: res.headers }
  }

  /** What must not change when a request is refused: the log and the session's transcript. */
  const snapshot = async (): Promise<string> => JSON.stringify({ log: node.log.head().seq, transcript: node.sessions.transcript(session).length })

  before(async () => {
    net = await startNetwork(2)
    node = net.nodes[0]!
    url = node.apiUrl as string
    operator = await tokenOf(net, 0)
    await eventually('connected', () => node.peer.getPeers().length > 0)
    buyer = await agentClient(net, 0, 'procurement')
    buyerToken = (buyer as unknown as { token: string }).token
    otherToken = (await agentClient(net, 0, 'other') as unknown as { token: string }).token
    await agentClient(net, 1, 'sales')
    session = (await buyer.call('openSession', { body: { to: { org: net.nodes[1]!.key.orgId, agent: 'sales' }, message: { type: 'QUERY', body: { question: 'capacity?' } } } })).id
  })

  after(async () => net?.stop())

  it('no token, a wrong token: 401; an agent token on an operator endpoint: 403; health is public', async () => {
    assert.equal((await raw('GET', '/v1/health')).status, 200)
    for (const token of [undefined, '', 'wrong', operator + 'x', buyerToken.slice(0, -1)]) {
      const a = await raw('GET', `/v1/sessions/${session}`, { token })
      assert.equal(a.status, 401, String(token))
      assert.equal(a.code, 'API_UNAUTHORIZED')
    }
    const before = await snapshot()
    assert.equal((await raw('POST', `/v1/sessions/${session}/messages`, { body: JSON.stringify({ type: 'INFORM', body: { text: 'x' } }) })).status, 401)
    assert.equal(await snapshot(), before)
    for (const path of ['/v1/log/head', '/v1/cards', '/v1/agents']) assert.equal((await raw('GET', path, { token: buyerToken })).code, 'API_FORBIDDEN', path)
    assert.equal((await raw('GET', '/v1/log/head', { token: operator })).status, 200)
  })

  it('another agent\'s session is 404, as an unknown one is; acting as another agent is 403', async () => {
    const before = await snapshot()
    for (const path of [`/v1/sessions/${session}`, `/v1/sessions/${session}/transcript`]) {
      assert.equal((await raw('GET', path, { token: otherToken })).code, 'API_NOT_FOUND')
    }
    assert.equal((await raw('POST', `/v1/sessions/${session}/messages`, { token: otherToken, body: JSON.stringify({ type: 'INFORM', body: { text: 'hi' } }) })).code, 'API_NOT_FOUND')
    assert.equal((await raw('GET', '/v1/sessions/aaaaaaaaaaaaaaaaaaaaaaaaaa', { token: buyerToken })).code, 'API_NOT_FOUND')
    assert.equal((await raw('GET', '/v1/sessions/not-a-session-id', { token: buyerToken })).code, 'API_REQUEST_INVALID')
    assert.deepEqual((await raw('GET', '/v1/sessions', { token: otherToken })).body.sessions, [])
    assert.equal((await raw('GET', `/v1/sessions/${session}`, { token: operator })).status, 200, 'the operator sees every session')
    const as = await raw('POST', '/v1/sessions', { token: otherToken, body: JSON.stringify({ agent: 'procurement', to: { org: net.nodes[1]!.key.orgId, agent: 'sales' }, message: { type: 'QUERY', body: { question: 'x' } } }) })
    assert.equal(as.code, 'API_FORBIDDEN')
    assert.equal(await snapshot(), before)
  })

  it('malformed, oversized, wrongly typed and unknown bodies: typed problems, nothing changed', async () => {
    const before = await snapshot()
    const path = `/v1/sessions/${session}/messages`
    const cases: Array<[string, string, string?]> = [
      ['{', 'API_BODY_MALFORMED'],
      ['', 'API_BODY_MALFORMED'],
      [JSON.stringify({ type: 'INFORM', body: { text: 'x'.repeat(70_000) } }), 'API_BODY_TOO_LARGE'],
      ['type=INFORM', 'API_UNSUPPORTED_MEDIA_TYPE', 'application/x-www-form-urlencoded'],
      [JSON.stringify({ type: 'SHOUT', body: {} }), 'API_REQUEST_INVALID'],
      [JSON.stringify({ type: 'INFORM', body: { text: 42 } }), 'API_REQUEST_INVALID'],
      [JSON.stringify({ type: 'INFORM', body: { text: 'x' }, extra: true }), 'API_REQUEST_INVALID'],
      [JSON.stringify({ type: 'ACCEPT', body: { offer: 'not-a-cid' } }), 'API_REQUEST_INVALID'],
      [JSON.stringify({ type: 'PROPOSE', body: { terms: { ...dealTerms(), quantity: -1 } } }), 'API_REQUEST_INVALID'],
      [JSON.stringify([1, 2]), 'API_REQUEST_INVALID'],
      [JSON.stringify({ type: 'COMMIT', body: { agreement: 'bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' } }), 'SESSION_NOT_ALLOWED']
    ]
    for (const [body, code, type] of cases) {
      const a = await raw('POST', path, { token: buyerToken, body, type })
      assert.equal(a.code, code, body.slice(0, 60))
      assert.ok(a.status >= 400 && a.status < 500, `${a.status} for ${body.slice(0, 60)}`)
    }
    const invalid = await raw('POST', path, { token: buyerToken, body: JSON.stringify({ type: 'INFORM', body: { text: 42 } }) })
    assert.deepEqual((invalid.body.errors as Array<{ path: string }>).map((e) => e.path), ['body.body.text'])
    assert.equal((await raw('GET', '/v1/nowhere', { token: buyerToken })).code, 'API_NOT_FOUND')
    assert.equal((await raw('GET', '/v1/discover', { token: buyerToken })).code, 'API_REQUEST_INVALID')
    assert.equal((await raw('GET', '/v1/sessions?limit=0', { token: buyerToken })).code, 'API_REQUEST_INVALID')
    assert.equal(await snapshot(), before)
  })

  it('an Idempotency-Key replays the first answer without acting twice; the same key with another body is 409', async () => {
    const path = `/v1/sessions/${session}/messages`
    const body = JSON.stringify({ type: 'INFORM', body: { text: 'forty GPUs free' } })
    const first = await raw('POST', path, { token: buyerToken, body, key: 'inform-1' })
    assert.equal(first.status, 201)
    const after = await snapshot()
    const again = await raw('POST', path, { token: buyerToken, body: JSON.stringify({ body: { text: 'forty GPUs free' }, type: 'INFORM' }), key: 'inform-1' })
    assert.equal(again.status, 201)
    assert.equal(again.headers.get('idempotent-replayed'), 'true')
    assert.deepEqual(again.body, first.body)
    assert.equal(await snapshot(), after, 'acted once')
    const other = await raw('POST', path, { token: buyerToken, body: JSON.stringify({ type: 'INFORM', body: { text: 'fifty' } }), key: 'inform-1' })
    assert.equal(other.code, 'API_IDEMPOTENCY_CONFLICT')
    assert.equal(other.status, 409)
    assert.equal(await snapshot(), after)
    assert.equal((await raw('POST', path, { token: buyerToken, body, key: 'bad key with spaces' })).code, 'API_IDEMPOTENCY_KEY_INVALID')
    // Keys belong to their caller: the operator's key of the same name is another key.
    const byOperator = await raw('POST', path, { token: operator, body: JSON.stringify({ type: 'INFORM', body: { text: 'from the operator' } }), key: 'inform-1' })
    assert.equal(byOperator.status, 201)
    // Retries at the same time act once too.
    const before = node.sessions.transcript(session).length
    const together = await Promise.all([1, 2, 3].map(async () => raw('POST', path, { token: buyerToken, body: JSON.stringify({ type: 'INFORM', body: { text: 'at once' } }), key: 'inform-2' })))
    assert.deepEqual(together.map((a) => a.status), [201, 201, 201])
    assert.equal(node.sessions.transcript(session).length, before + 1)
  })

  it('the stored answers survive a restart', async () => {
    const path = `/v1/sessions/${session}/messages`
    const body = JSON.stringify({ type: 'INFORM', body: { text: 'before the restart' } })
    const first = await raw('POST', path, { token: buyerToken, body, key: 'restart-1' })
    assert.equal(first.status, 201)
    node = await net.restart(0)
    url = node.apiUrl as string
    const length = node.sessions.transcript(session).length
    const again = await raw('POST', path, { token: buyerToken, body, key: 'restart-1' })
    assert.equal(again.headers.get('idempotent-replayed'), 'true')
    assert.deepEqual(again.body, first.body)
    assert.equal(node.sessions.transcript(session).length, length)
  })
})
