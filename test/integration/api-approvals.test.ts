// Guardrails through HTTP only: the operator sets a policy, an agent's ACCEPT over the approval
// threshold is held and the session escalated, approval.needed reaches the agent's stream, the
// operator's two distinct approvers approve, and the held ACCEPT goes out: the session resumes.
import assert from 'node:assert/strict'
import type { ApiEvent } from '../../src/api/contract/events.js'
import { AspApiError, type AspClient } from '../../src/client/client.js'
import type { Problem } from '../../src/api/problem.js'
import { agentClient, dealTerms, operatorClient } from '../helpers/api-kit.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'

async function failure (call: Promise<unknown>): Promise<Problem> {
  try {
    await call
  } catch (err) {
    if (err instanceof AspApiError) return err.problem
    throw err
  }
  throw new Error('the call succeeded')
}

describe('API: policies and approvals through HTTP, between two real nodes', function () {
  this.timeout(120_000)
  let net: TestNetwork
  let operator: AspClient
  let careful: AspClient
  let other: AspClient
  let sales: AspClient
  const seen: ApiEvent[] = []
  const stop = new AbortController()
  let reading: Promise<void>

  before(async () => {
    net = await startNetwork(2)
    await eventually('connected', () => net.nodes[0]!.peer.getPeers().length > 0)
    operator = await operatorClient(net, 0)
    careful = await agentClient(net, 0, 'careful')
    other = await agentClient(net, 0, 'other')
    sales = await agentClient(net, 1, 'sales')
    reading = (async () => { for await (const e of careful.events({ signal: stop.signal })) seen.push(e) })()
  })

  after(async () => {
    stop.abort()
    await reading
    await net?.stop()
  })

  it('a deal over the approval threshold escalates; approval.needed arrives; two distinct approvers approve through HTTP; the session resumes', async () => {
    const policy = { approval: { above: { EUR: 1_000_000 }, quorum: 2, approvers: ['alice', 'bob', 'carol'] } }
    assert.deepEqual(await operator.call('setAgentPolicy', { params: { agent: 'careful' }, body: policy }), { agent: 'careful', policy, source: 'agent' })
    assert.equal((await failure(careful.call('getAgentPolicy', { params: { agent: 'careful' } }))).code, 'API_FORBIDDEN', 'policies are the operator\'s')
    assert.equal((await failure(operator.call('setAgentPolicy', { params: { agent: 'careful' }, body: { approval: { quorum: 0 } } as never }))).code, 'POLICY_INVALID')

    const seller = net.nodes[1]!.key.orgId
    const { id } = await careful.call('openSession', { body: { to: { org: seller, agent: 'sales' }, message: { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: '500 GPU hours' } } } })
    const proposed = await sales.call('sendMessage', { params: { id }, body: { type: 'PROPOSE', body: { terms: dealTerms() as never } } })

    // The ACCEPT of a 20,000 EUR deal is held: the other side gets an ESCALATE in its place.
    const held = await failure(careful.call('sendMessage', { params: { id }, body: { type: 'ACCEPT', body: { offer: proposed.liveOffer!.cid } } }))
    assert.deepEqual([held.status, held.code], [409, 'POLICY_APPROVAL_REQUIRED'])
    const approval = held.approval!
    assert.match(approval, /^b[a-z2-7]+$/)
    const waiting = await careful.call('getSession', { params: { id } })
    assert.deepEqual([waiting.phase, waiting.waitingOn, waiting.role], ['negotiating', 'initiator', 'initiator'])
    assert.equal((await failure(careful.call('sendMessage', { params: { id }, body: { type: 'QUERY', body: { question: 'still there?' } } }))).code, 'POLICY_APPROVAL_PENDING')

    await eventually('approval.needed on the agent\'s stream', () => seen.some((e) => e.type === 'approval.needed' && e.data.approval === approval))
    const needed = seen.find((e) => e.type === 'approval.needed')!
    assert.deepEqual([needed.data.session, needed.data.quorum, needed.agents], [id, 2, ['careful']])
    assert.ok(seen.some((e) => e.type === 'session.escalated' && e.data.session === id))

    // The agent sees the approval of its session, read only; another agent sees nothing.
    assert.deepEqual((await careful.call('listApprovals', { query: {} })).approvals.map((a) => [a.id, a.status]), [[approval, 'pending']])
    assert.equal((await careful.call('getApproval', { params: { id: approval } })).facts.session, id)
    assert.equal((await failure(careful.call('decideApproval', { params: { id: approval }, body: { approver: 'alice', decision: 'approve' } }))).code, 'API_FORBIDDEN')
    assert.deepEqual((await other.call('listApprovals', { query: {} })).approvals, [])
    const hidden = await failure(other.call('getApproval', { params: { id: approval } }))
    assert.deepEqual([hidden.status, hidden.code], [404, 'APPROVAL_NOT_FOUND'])

    // The operator's approvers: two distinct ones are needed; the same one twice does not count.
    assert.deepEqual((await operator.call('listApprovals', { query: { status: 'pending', session: id } })).approvals.map((a) => a.id), [approval])
    const first = await operator.call('decideApproval', { params: { id: approval }, body: { approver: 'alice', decision: 'approve', note: 'within budget' } })
    assert.equal(first.status, 'pending')
    const twice = await failure(operator.call('decideApproval', { params: { id: approval }, body: { approver: 'alice', decision: 'approve' } }))
    assert.deepEqual([twice.status, twice.code], [409, 'APPROVAL_DUPLICATE_APPROVER'])
    const stranger = await failure(operator.call('decideApproval', { params: { id: approval }, body: { approver: 'mallory', decision: 'approve' } }))
    assert.deepEqual([stranger.status, stranger.code], [403, 'APPROVAL_NOT_APPROVER'])
    assert.equal((await careful.call('getSession', { params: { id } })).phase, 'negotiating', 'one approval of two: still held')
    const done = await operator.call('decideApproval', { params: { id: approval }, body: { approver: 'bob', decision: 'approve' } })
    assert.deepEqual([done.status, done.outcome], ['approved', { ok: true }])

    // The held ACCEPT went out: both sides are past it, and the agent goes on to commit.
    const resumed = await careful.call('getSession', { params: { id } })
    assert.deepEqual([resumed.phase, resumed.waitingOn], ['accepted', null])
    await eventually('the seller has the ACCEPT', async () => (await sales.call('getSession', { params: { id } })).phase === 'accepted')
    const agreement = resumed.agreement!.cid
    await sales.call('sendMessage', { params: { id }, body: { type: 'COMMIT', body: { agreement } } })
    const committed = await careful.call('sendMessage', { params: { id }, body: { type: 'COMMIT', body: { agreement } } })
    assert.equal(committed.phase, 'committed', 'the approved terms need no second approval')

    await eventually('both decisions on the stream', () => seen.filter((e) => e.type === 'approval.decided' && e.data.approval === approval).length === 2)
    assert.deepEqual(seen.filter((e) => e.type === 'approval.decided').map((e) => [e.data.approver, e.data.status]), [['alice', 'pending'], ['bob', 'approved']])
    assert.ok(!(await other.call('listEvents', { query: { limit: 1000 } })).events.some((e) => e.type.startsWith('approval.')), 'nothing for the other agent')
  })
})
