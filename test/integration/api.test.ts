import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startNetwork, type TestNetwork } from '../helpers/network.js'

describe('the local HTTP API of a running node (operator routes)', function () {
  this.timeout(60_000)
  let net: TestNetwork
  let url: string
  let token: string

  before(async () => {
    net = await startNetwork(1)
    url = net.nodes[0]!.apiUrl as string
    token = (await readFile(join(net.dir(0), 'operator.token'), 'utf8')).trim()
  })

  after(async () => net?.stop())

  const get = async (path: string, auth?: string): Promise<Response> => fetch(url + path, { headers: auth === undefined ? {} : { authorization: `Bearer ${auth}` } })

  it('listens on 127.0.0.1 only', () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('health needs no token; everything else needs the operator token (problem+json 401)', async () => {
    assert.equal((await get('/v1/health')).status, 200)
    for (const auth of [undefined, '', 'wrong', token + 'x']) {
      const res = await get('/v1/status', auth)
      assert.equal(res.status, 401)
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8')
      assert.equal((await res.json() as { code: string }).code, 'API_UNAUTHORIZED')
    }
    const status = await (await get('/v1/status', token)).json() as { peerId: string, log: { seq: number } }
    assert.equal(status.peerId, net.nodes[0]!.key.orgId)
    assert.equal(status.log.seq, 1)
  })

  it('bad requests get a typed problem and change nothing', async () => {
    const before = net.nodes[0]!.log.head()
    const post = async (body: string): Promise<Response> => fetch(url + '/v1/cards', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body })
    for (const body of ['{', '{"agent":"Bad Name","capabilities":["sell:x"]}', '{"agent":"a","capabilities":[]}', '{"agent":"a","capabilities":["sell:x"],"extra":1}', JSON.stringify({ agent: 'a', capabilities: ['sell:x'], summary: 'x'.repeat(100_000) })]) {
      const res = await post(body)
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} for ${body.slice(0, 40)}`)
      assert.ok(['API_REQUEST_INVALID', 'API_BODY_MALFORMED', 'API_BODY_TOO_LARGE'].includes((await res.json() as { code: string }).code))
    }
    assert.equal((await get('/v1/nowhere', token)).status, 404)
    assert.equal((await get('/v1/discover', token)).status, 400)
    assert.deepEqual(net.nodes[0]!.log.head(), before)
  })

  it('start and stop are idempotent', async () => {
    const node = net.nodes[0]!
    await node.start()
    await Promise.all([node.stop(), node.stop()])
    await node.stop()
    await net.restart(0)
  })
})
