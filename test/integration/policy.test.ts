// Guardrails between two real nodes: limits, approvals and reputation enforced in the session layer.
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ManualClock } from '../../src/clock.js'
import type { AspNode } from '../../src/node.js'
import type { PolicyError } from '../../src/policy/errors.js'
import { approvalKind, decisionKind } from '../../src/policy/records.js'
import { scoresFrom } from '../../src/policy/reputation.js'
import { POLICY_FILE } from '../../src/policy/store.js'
import type { CID } from '../../src/records/codec.js'
import { ReputationView } from '../../src/reputation/view.js'
import type { Terms } from '../../src/session/terms.js'
import { terms } from '../helpers/session-kit.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'
import { commitBody as commit } from '../helpers/deal-kit.js'

const EUR = (amount: number): Terms => terms({ arbiters: [], quorum: 0, total: { amount, currency: 'EUR' } })

const code = (expected: string) => (err: PolicyError) => {
  assert.equal(err.code, expected, err.message)
  return true
}

async function recordKinds (node: AspNode): Promise<string[]> {
  const kinds: string[] = []
  for await (const entry of node.log.entries()) {
    const body = entry.value.body as { kind?: string, record?: CID }
    if (body.kind !== undefined) kinds.push(body.kind)
  }
  return kinds
}

describe('guardrails between two real nodes (policies, approvals, reputation)', function () {
  this.timeout(180_000)
  let net: TestNetwork
  let buyer: AspNode
  let seller: AspNode

  before(async () => {
    net = await startNetwork(2)
    ;[buyer, seller] = net.nodes as [AspNode, AspNode]
    await eventually('connected', () => buyer.peer.getPeers().length > 0)
  })

  after(async () => net?.stop())

  /** Restarts the buyer (node 0, the one the seller bootstrapped from, now on a new port) and reconnects. */
  async function restartBuyer (options: Parameters<TestNetwork['restart']>[1] = {}): Promise<void> {
    buyer = await net.restart(0, options)
    await buyer.peer.dial(seller.peer.getMultiaddrs())
  }

  /** The buyer's `agent` asks the seller for GPU hours; the seller proposes `total`. */
  async function offered (agent: string, total: number): Promise<string> {
    const s = await buyer.sessions.open(agent, { org: seller.key.orgId, agent: 'sales' }, { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: '500 GPU hours' } })
    await seller.sessions.send(s.id, { type: 'PROPOSE', body: { terms: EUR(total) } })
    return s.id
  }

  const accept = async (id: string): Promise<unknown> => buyer.sessions.send(id, { type: 'ACCEPT', body: { offer: buyer.sessions.state(id)!.liveOffer!.cid } })

  it('an offer, ACCEPT or COMMIT over the per-deal limit is refused with POLICY_SPEND_LIMIT, and nothing is sent', async () => {
    await buyer.guardrails.policies.set('limited', { spend: { EUR: { perDeal: 1_000_000 } } })
    const id = await offered('limited', 2_000_000)
    const heads = [buyer.log.head(), seller.log.head()]
    await assert.rejects(accept(id), code('POLICY_SPEND_LIMIT'))
    await assert.rejects(buyer.sessions.send(id, { type: 'COUNTER', body: { terms: EUR(1_500_000) }, replyTo: buyer.sessions.state(id)!.liveOffer!.cid }), code('POLICY_SPEND_LIMIT'))
    await assert.rejects(buyer.sessions.send(id, { type: 'COUNTER', body: { terms: terms({ arbiters: [], quorum: 0, unitPrice: { amount: 1, currency: 'USD' }, total: { amount: 10, currency: 'USD' } }) }, replyTo: buyer.sessions.state(id)!.liveOffer!.cid }), code('POLICY_CURRENCY'))
    // Opening with an offer over the limit: no session on either side.
    await assert.rejects(buyer.sessions.open('limited', { org: seller.key.orgId, agent: 'sales' }, { type: 'PROPOSE', body: { terms: EUR(1_000_001) } }), code('POLICY_SPEND_LIMIT'))
    assert.deepEqual([buyer.log.head(), seller.log.head()], heads, 'neither log moved')
    assert.equal(seller.sessions.transcript(id).length, 2)
    // Within the limit, the same agent goes on.
    await buyer.sessions.send(id, { type: 'COUNTER', body: { terms: EUR(1_000_000) }, replyTo: buyer.sessions.state(id)!.liveOffer!.cid })
    assert.equal(seller.sessions.state(id)?.liveOffer?.terms.total.amount, 1_000_000)
  })

  it('the per-day limit counts the deals of the last 24 hours, also after a restart', async () => {
    await buyer.guardrails.policies.set('daily', { spend: { EUR: { perDay: 1_000_000 } } })
    const first = await offered('daily', 600_000)
    await accept(first)
    await buyer.sessions.send(first, { type: 'COMMIT', body: commit(buyer, first) })
    await seller.sessions.send(first, { type: 'COMMIT', body: commit(seller, first) })
    const second = await offered('daily', 600_000)
    await assert.rejects(accept(second), code('POLICY_DAILY_LIMIT'))
    const clock = new ManualClock(Date.now())
    await restartBuyer({ clock })
    await assert.rejects(accept(second), code('POLICY_DAILY_LIMIT'))
    clock.advance(24 * 3600_000 + 1000)
    await accept(second)
    assert.equal(seller.sessions.state(second)?.phase, 'accepted')
  })

  it('a deal over the approval threshold escalates, waits, and resumes after two distinct approvers', async () => {
    await buyer.guardrails.policies.set('careful', { approval: { above: { EUR: 1_000_000 }, quorum: 2 } })
    const id = await offered('careful', 2_000_000)
    const before = seller.sessions.transcript(id).length
    let approvalId = ''
    await assert.rejects(accept(id), (err: PolicyError) => {
      assert.equal(err.code, 'POLICY_APPROVAL_REQUIRED')
      assert.equal(err.details.escalated, true)
      approvalId = err.details.approval as string
      return true
    })
    // In its place the seller got an ESCALATE; the ACCEPT waits on the buyer's node.
    assert.equal(seller.sessions.transcript(id).length, before + 1)
    assert.equal(seller.sessions.transcript(id).at(-1)?.value.type, 'ESCALATE')
    assert.equal(seller.sessions.state(id)?.waitingOn, 'initiator')
    assert.deepEqual(buyer.guardrails.approvals.list('pending').map((a) => a.id), [approvalId])
    await assert.rejects(accept(id), code('POLICY_APPROVAL_PENDING'))
    await assert.rejects(buyer.sessions.send(id, { type: 'INFORM', body: { text: 'any news?' } }), code('POLICY_APPROVAL_PENDING'))

    assert.equal((await buyer.guardrails.approvals.decide(approvalId, 'alice', 'approve')).status, 'pending')
    await assert.rejects(buyer.guardrails.approvals.decide(approvalId, 'alice', 'approve'), code('APPROVAL_DUPLICATE_APPROVER'))
    assert.equal(seller.sessions.state(id)?.phase, 'negotiating', 'one approver is not enough')
    const done = await buyer.guardrails.approvals.decide(approvalId, 'bob', 'approve')
    assert.equal(done.status, 'approved')
    assert.deepEqual(done.outcome, { ok: true })
    assert.equal(seller.sessions.state(id)?.phase, 'accepted', 'the held ACCEPT was sent')
    assert.equal(seller.sessions.state(id)?.waitingOn, null)

    // The approval covers the deal: the COMMIT of the same terms needs none.
    await buyer.sessions.send(id, { type: 'COMMIT', body: commit(buyer, id) })
    await seller.sessions.send(id, { type: 'COMMIT', body: commit(seller, id) })
    assert.equal(buyer.sessions.state(id)?.phase, 'committed')
    const kinds = await recordKinds(buyer)
    assert.equal(kinds.filter((k) => k === approvalKind.name).length, 1)
    assert.equal(kinds.filter((k) => k === decisionKind.name).length, 2)
  })

  it('a refused approval ends the deal: REJECT while negotiating', async () => {
    await buyer.guardrails.policies.set('vetoed', { approval: { always: true } })
    const id = await offered('vetoed', 100)
    const held = await accept(id).then(() => assert.fail('held'), (err: PolicyError) => err.details.approval as string)
    const done = await buyer.guardrails.approvals.decide(held, 'carol', 'refuse', 'not this vendor')
    assert.equal(done.status, 'refused')
    assert.equal(seller.sessions.state(id)?.phase, 'rejected')
    assert.equal(seller.sessions.transcript(id).at(-1)?.value.type, 'REJECT')
  })

  it('a pending approval survives a restart of the node, and is then decided', async () => {
    await buyer.guardrails.policies.set('patient', { approval: { above: { EUR: 1_000_000 }, quorum: 2, approvers: ['alice', 'bob'] } })
    const id = await offered('patient', 5_000_000)
    const held = await accept(id).then(() => assert.fail('held'), (err: PolicyError) => err.details.approval as string)
    await buyer.guardrails.approvals.decide(held, 'alice', 'approve')
    await restartBuyer()
    const pending = buyer.guardrails.approvals.list('pending')
    assert.deepEqual(pending.map((a) => [a.id, a.decisions.map((d) => d.approver), a.facts.agent]), [[held, ['alice'], 'patient']])
    assert.equal(buyer.sessions.state(id)?.waitingOn, 'initiator')
    assert.equal(buyer.guardrails.ledger.dealtWith(seller.key.orgId), true, 'the commitments of earlier deals are read back from the log')
    await assert.rejects(buyer.guardrails.approvals.decide(held, 'mallory', 'approve'), code('APPROVAL_NOT_APPROVER'))
    const done = await buyer.guardrails.approvals.decide(held, 'bob', 'approve')
    assert.deepEqual(done.outcome, { ok: true })
    assert.equal(seller.sessions.state(id)?.phase, 'accepted')
  })

  it('a decision that could not be carried out (the counterparty was down) is carried out again by resume', async () => {
    await buyer.guardrails.policies.set('unlucky', { approval: { always: true } })
    const id = await offered('unlucky', 300)
    const held = await accept(id).then(() => assert.fail('held'), (err: PolicyError) => err.details.approval as string)
    await seller.stop()
    const done = await buyer.guardrails.approvals.decide(held, 'alice', 'approve')
    assert.equal(done.status, 'approved')
    assert.equal(done.outcome?.ok, false, 'the ACCEPT could not be delivered')
    assert.equal(buyer.sessions.state(id)?.phase, 'negotiating')
    seller = await net.restart(1)
    await buyer.peer.dial(seller.peer.getMultiaddrs())
    await buyer.guardrails.resume()
    assert.deepEqual(buyer.guardrails.approvals.get(held)?.outcome, { ok: true })
    assert.equal(seller.sessions.state(id)?.phase, 'accepted')
    await buyer.guardrails.resume()
    assert.equal(seller.sessions.transcript(id).length, buyer.sessions.transcript(id).length, 'nothing is sent twice')
  })

  it('a counterparty under the minimum score is refused on both sides (a real reputation view fed evidence)', async () => {
    const now = Date.now()
    const breach = (view: ReputationView, culprit: string): ReputationView => {
      view.ingest({ kind: 'deal', id: 'deal-1', commitment: 'c-1', obligations: [{ obligor: culprit, beneficiary: 'someone' }], valueClass: 3, at: now - 86_400_000 })
      view.ingest({ kind: 'breach', id: 'breach-1', commitment: 'c-1', obligor: culprit, arbiters: ['an-arbiter'], at: now - 3_600_000 })
      return view
    }
    const request = { type: 'REQUEST' as const, body: { capability: 'sell:gpu-hours', description: 'GPU hours' } }
    await buyer.guardrails.policies.set('picky', { minReputation: { base: 15 } })
    await seller.guardrails.policies.set('choosy', { minReputation: { base: 15 } })
    // Strangers score 20 in an empty view: both pass.
    await buyer.sessions.open('picky', { org: seller.key.orgId, agent: 'sales' }, request)
    await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'choosy' }, request)

    // The buyer's guard reads a view given to it; the seller's reads the node's own view, as wired in node.ts.
    const sellerView = breach(new ReputationView({ observer: buyer.key.orgId }), seller.key.orgId)
    assert.ok(sellerView.score(seller.key.orgId, now)!.score < 15)
    buyer.guardrails.useReputation(scoresFrom(sellerView, buyer.clock))
    breach(seller.reputation.view, buyer.key.orgId)
    assert.ok(seller.reputation.scoreOf(buyer.key.orgId)! < 15)
    const heads = [buyer.log.head(), seller.log.head()]
    // The sender refuses to open a session with the breacher.
    await assert.rejects(buyer.sessions.open('picky', { org: seller.key.orgId, agent: 'sales' }, request), code('POLICY_REPUTATION'))
    // The receiver refuses the incoming session, and the sender reads the rule's code.
    await assert.rejects(buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'choosy' }, request), code('POLICY_REPUTATION'))
    assert.deepEqual([buyer.log.head(), seller.log.head()], heads, 'no session on either side')
  })

  it('a bad policy file stops the node at start with POLICY_FILE_INVALID; fixed, it starts', async () => {
    await writeFile(join(net.dir(1), POLICY_FILE), '{"v": 1, "agents": {"sales": {"spend": {"EUR": {"perDeal": "a lot"}}}}}')
    await assert.rejects(net.restart(1), code('POLICY_FILE_INVALID'))
    await writeFile(join(net.dir(1), POLICY_FILE), '{"v": 1, "agents": {"sales": {"spend": {"EUR": {"perDeal": 100}}}}}')
    seller = await net.restart(1)
    assert.deepEqual(seller.guardrails.policies.policyFor('sales').policy, { spend: { EUR: { perDeal: 100 } } })
  })
})
