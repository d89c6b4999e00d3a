// The operator's policy and approval routes over real HTTP, and the CLI commands that use them.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AspNode } from '../../src/node.js'
import type { ApprovalView } from '../../src/policy/approvals.js'
import { testSigner } from '../helpers/keys.js'
import { startNetwork, type TestNetwork } from '../helpers/network.js'
import { asp } from '../helpers/cli.js'



describe('policy and approval routes of the local API, and asp policy / asp approvals', function () {
  this.timeout(120_000)
  let net: TestNetwork
  let node: AspNode
  let url: string
  let token: string
  const carried: string[] = []

  before(async () => {
    net = await startNetwork(1)
    node = net.nodes[0]!
    url = node.apiUrl as string
    token = (await readFile(join(net.dir(0), 'operator.token'), 'utf8')).trim()
    // A subject kind of its own, as arbiters' votes will have: the approvals module is generic.
    node.guardrails.approvals.handle('test-vote', { decided: async (view) => { carried.push(`${view.id} ${view.status}`) } })
  })

  after(async () => net?.stop())

  const call = async (method: string, path: string, body?: unknown, auth: string | null = token): Promise<{ status: number, type: string | null, json: Record<string, unknown> }> => {
    const res = await fetch(url + path, {
      method,
      headers: { ...(auth !== null ? { authorization: `Bearer ${auth}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    })
    return { status: res.status, type: res.headers.get('content-type'), json: await res.json() as Record<string, unknown> }
  }

  it('PUT and GET an agent\'s policy and the defaults; every change is in the log', async () => {
    const policy = { spend: { EUR: { perDeal: 1_000_000, perDay: 3_000_000 } }, approval: { above: { EUR: 500_000 }, quorum: 2 }, counterparties: { deny: [testSigner('mallory').orgId] } }
    const seq = node.log.head().seq
    const put = await call('PUT', '/v1/policies/agents/procurement', policy)
    assert.equal(put.status, 200, JSON.stringify(put.json))
    assert.deepEqual(put.json, { agent: 'procurement', policy, source: 'agent' })
    assert.deepEqual((await call('GET', '/v1/policies/agents/procurement')).json, { agent: 'procurement', policy, source: 'agent' })
    assert.deepEqual((await call('GET', '/v1/policies/agents/sales')).json, { agent: 'sales', policy: null, source: 'none' })
    assert.equal((await call('PUT', '/v1/policies/defaults', { minReputation: { base: 10 } })).status, 200)
    assert.deepEqual((await call('GET', '/v1/policies/agents/sales')).json, { agent: 'sales', policy: { minReputation: { base: 10 } }, source: 'defaults' })
    assert.deepEqual((await call('GET', '/v1/policies')).json, { v: 1, defaults: { minReputation: { base: 10 } }, agents: { procurement: policy } })
    assert.deepEqual((await call('DELETE', '/v1/policies/defaults')).json, { policy: null })
    assert.equal(node.log.head().seq, seq + 3)
    assert.deepEqual(JSON.parse(await readFile(join(net.dir(0), 'policies.json'), 'utf8')), { v: 1, agents: { procurement: policy } })
  })

  it('bad policies and bad requests: problem+json with a stable code, nothing changed', async () => {
    const seq = node.log.head().seq
    const cases: Array<[string, string, unknown, number, string]> = [
      ['PUT', '/v1/policies/agents/procurement', { spend: { EUR: { perDeal: -5 } } }, 400, 'POLICY_INVALID'],
      ['PUT', '/v1/policies/agents/procurement', { spend: { EUR: { perDeal: 1.5 } } }, 400, 'POLICY_INVALID'],
      ['PUT', '/v1/policies/agents/procurement', { limits: {} }, 400, 'POLICY_INVALID'],
      ['PUT', '/v1/policies/agents/procurement', { approval: { quorum: 2, approvers: ['alice'] } }, 400, 'POLICY_INVALID'],
      ['PUT', '/v1/policies/agents/procurement', '{"spend":', 400, 'API_BODY_MALFORMED'],
      ['PUT', '/v1/policies/agents/procurement', undefined, 400, 'API_REQUEST_INVALID'],
      ['PUT', '/v1/policies/agents/Not%20An%20Agent', {}, 400, 'API_REQUEST_INVALID'],
      ['GET', '/v1/approvals?status=maybe', undefined, 400, 'API_REQUEST_INVALID'],
      ['GET', '/v1/approvals/bafyreinothere', undefined, 404, 'APPROVAL_NOT_FOUND']
    ]
    for (const [method, path, body, status, code] of cases) {
      const res = await call(method, path, body)
      assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.json)}`)
      assert.equal(res.json.code, code)
      assert.equal(res.type, 'application/problem+json; charset=utf-8')
    }
    assert.equal((await call('GET', '/v1/policies', undefined, null)).status, 401)
    assert.equal((await call('PUT', '/v1/policies/agents/procurement', {}, 'wrong')).status, 401)
    assert.equal(node.log.head().seq, seq)
    assert.equal((await call('GET', '/v1/policies/agents/procurement')).json.source, 'agent')
  })

  it('list approvals and decide them over HTTP: distinct approvers, typed refusals', async () => {
    const asked = await node.guardrails.approvals.request({ subject: { kind: 'test-vote', id: 'dispute-7' }, summary: 'rule on dispute 7', facts: { verdict: 'breach' }, quorum: 2, approvers: ['alice', 'bob', 'carol'], payload: { verdict: 'breach' } })
    const listed = (await call('GET', '/v1/approvals?status=pending')).json.approvals as ApprovalView[]
    assert.deepEqual(listed.map((a) => [a.id, a.summary, a.facts.verdict, a.status]), [[asked.id, 'rule on dispute 7', 'breach', 'pending']])
    const decide = async (body: unknown): Promise<Awaited<ReturnType<typeof call>>> => call('POST', `/v1/approvals/${asked.id}/decisions`, body)
    assert.equal((await decide({ approver: 'alice', decision: 'maybe' })).json.code, 'API_REQUEST_INVALID')
    assert.equal((await decide({ approver: 'Alice Smith!', decision: 'approve' })).json.code, 'API_REQUEST_INVALID')
    const mallory = await decide({ approver: 'mallory', decision: 'approve' })
    assert.deepEqual([mallory.status, mallory.json.code], [403, 'APPROVAL_NOT_APPROVER'])
    assert.equal((await decide({ approver: 'alice', decision: 'approve', note: 'ok' })).json.status, 'pending')
    const twice = await decide({ approver: 'alice', decision: 'approve' })
    assert.deepEqual([twice.status, twice.json.code], [409, 'APPROVAL_DUPLICATE_APPROVER'])
    const done = await decide({ approver: 'bob', decision: 'approve' })
    assert.deepEqual([done.json.status, done.json.outcome], ['approved', { ok: true }])
    assert.deepEqual(carried, [`${asked.id} approved`])
    const late = await decide({ approver: 'carol', decision: 'refuse' })
    assert.deepEqual([late.status, late.json.code], [409, 'APPROVAL_CLOSED'])
    assert.deepEqual((await call('GET', `/v1/approvals/${asked.id}`)).json.decisions, done.json.decisions)
    assert.deepEqual((await call('GET', '/v1/approvals?status=pending')).json.approvals, [])
  })

  it('asp policy set / show and asp approvals list / approve / refuse talk to the running node', async () => {
    const dir = net.dir(0)
    const set = await asp('policy', 'set', 'buyer-bot', '--data-dir', dir, '--per-deal', 'EUR:2000000', '--per-day', 'EUR:5000000', '--min-score', '30', '--min-score-above', 'EUR:1000000:60', '--approve-above', 'EUR:1000000', '--approve-new-counterparty', '--approvals', '2', '--capability', 'buy:gpu-hours')
    assert.equal(set.code, 0, set.stderr)
    const shown = JSON.parse((await asp('policy', 'show', 'buyer-bot', '--data-dir', dir, '--json')).stdout) as { policy: unknown }
    assert.deepEqual(shown.policy, {
      spend: { EUR: { perDeal: 2_000_000, perDay: 5_000_000 } },
      minReputation: { base: 30, tiers: [{ currency: 'EUR', above: 1_000_000, min: 60 }] },
      approval: { above: { EUR: 1_000_000 }, newCounterparty: true, quorum: 2 },
      capabilities: ['buy:gpu-hours']
    })
    assert.match((await asp('policy', 'show', 'buyer-bot', '--data-dir', dir)).stdout, /per deal\s+at most 2000000 EUR/)
    const bad = await asp('policy', 'set', 'buyer-bot', '--data-dir', dir, '--min-score', '130')
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /POLICY_INVALID/)
    assert.equal((await asp('policy', 'set', 'buyer-bot', '--data-dir', dir, '--per-deal', '20 EUR')).code, 2)

    const a = await node.guardrails.approvals.request({ subject: { kind: 'test-vote', id: 'dispute-8' }, summary: 'rule on dispute 8', quorum: 1, payload: null })
    const b = await node.guardrails.approvals.request({ subject: { kind: 'test-vote', id: 'dispute-9' }, summary: 'rule on dispute 9', quorum: 1, payload: null })
    const pending = JSON.parse((await asp('approvals', '--data-dir', dir, '--json')).stdout) as ApprovalView[]
    assert.deepEqual(pending.map((x) => x.id), [a.id, b.id])
    assert.match((await asp('approvals', 'list', '--data-dir', dir)).stdout, /rule on dispute 8/)
    const approved = await asp('approvals', 'approve', a.id, '--data-dir', dir, '--as', 'alice', '--json')
    assert.equal(approved.code, 0, approved.stderr)
    assert.equal((JSON.parse(approved.stdout) as ApprovalView).status, 'approved')
    const refused = await asp('approvals', 'refuse', b.id, '--data-dir', dir, '--as', 'bob', '--note', 'no')
    assert.equal(refused.code, 0, refused.stderr)
    assert.match(refused.stdout, /refused by bob/)
    const again = await asp('approvals', 'refuse', b.id, '--data-dir', dir, '--as', 'carol')
    assert.equal(again.code, 1)
    assert.match(again.stderr, /APPROVAL_CLOSED/)
    assert.equal((await asp('approvals', 'list', '--data-dir', dir)).stdout.trim(), 'no pending approvals')
  })
})
