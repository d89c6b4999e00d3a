// Commitments, obligations, disputes, reputation and ranked discovery through HTTP only, between
// real nodes: an agent sees its own commitments (another agent gets 404), confirms an obligation
// and gets obligation.confirmed on its event stream; a dispute opened by hand lowers the seller's
// score, and discovery ranks the sellers by the buyer's view. Consequence events survive a crash.
import assert from 'node:assert/strict'
import type { ApiEvent } from '../../src/api/contract/events.js'
import { toJson } from '../../src/api/json.js'
import { AspApiError, type AspClient, type Response } from '../../src/client/client.js'
import type { AspNode } from '../../src/node.js'
import { agentClient, dealTerms, operatorClient } from '../helpers/api-kit.js'
import { closeDeal } from '../helpers/deal-kit.js'
import { testSigner } from '../helpers/keys.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'
import { terms } from '../helpers/session-kit.js'

const BUYER = 1

/** The API error a call fails with. */
async function failure (call: Promise<unknown>): Promise<{ status: number, code: string }> {
  try {
    await call
  } catch (err) {
    if (err instanceof AspApiError) return { status: err.status, code: err.code }
    throw err
  }
  throw new Error('the call succeeded')
}

/** REQUEST, PROPOSE, ACCEPT, COMMIT, COMMIT, each side through its own agent's token. Returns the session and the commitment id. */
async function dealOverHttp (buyer: AspClient, seller: AspClient, sellerOrg: string, dealTermsJson: Record<string, unknown>): Promise<{ session: string, commitment: string }> {
  const { id } = await buyer.call('openSession', { body: { to: { org: sellerOrg, agent: 'sales' }, message: { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: '500 GPU hours' } } } })
  const proposed = await seller.call('sendMessage', { params: { id }, body: { type: 'PROPOSE', body: { terms: dealTermsJson as never } } })
  const accepted = await buyer.call('sendMessage', { params: { id }, body: { type: 'ACCEPT', body: { offer: proposed.liveOffer!.cid } } })
  const agreement = accepted.agreement!.cid
  await seller.call('sendMessage', { params: { id }, body: { type: 'COMMIT', body: { agreement } } })
  const committed = await buyer.call('sendMessage', { params: { id }, body: { type: 'COMMIT', body: { agreement } } })
  assert.equal(committed.phase, 'committed')
  return { session: id, commitment: agreement }
}

describe('API: commitments, obligations, disputes and reputation between real nodes', function () {
  this.timeout(180_000)
  let net: TestNetwork
  let procurement: AspClient
  let finance: AspClient
  /** The seller whose org id sorts after the other's: it honours its deal. */
  let honest: { node: AspNode, sales: AspClient }
  /** The seller whose org id sorts first (discovery's own tie order): the buyer disputes its deal. */
  let disputed: { node: AspNode, sales: AspClient }
  const seen: ApiEvent[] = []
  const stop = new AbortController()
  let reading: Promise<void>
  let honestDeal: { session: string, commitment: string }

  before(async () => {
    // Node 1 is the buyer: it bootstraps from node 0, so it finds the network again after a restart.
    net = await startNetwork(3, { config: (c) => { c.disputes.watchdogIntervalMs = 100 } })
    await eventually('the buyer reaches both sellers', () => net.nodes[BUYER]!.peer.getPeers().length >= 2)
    procurement = await agentClient(net, BUYER, 'procurement')
    finance = await agentClient(net, BUYER, 'finance')
    const sellers = await Promise.all([0, 2].map(async (i) => ({ node: net.nodes[i]!, sales: await agentClient(net, i, 'sales') })))
    sellers.sort((a, b) => (a.node.key.orgId < b.node.key.orgId ? -1 : 1))
    ;[disputed, honest] = sellers as [typeof honest, typeof honest]
    reading = (async () => { for await (const e of procurement.events({ signal: stop.signal })) seen.push(e) })()
  })

  after(async () => {
    stop.abort()
    await reading
    await net?.stop()
  })

  it('an agent lists and reads its commitment (deal terms included), another agent gets 404; it confirms an obligation and sees obligation.confirmed on SSE', async () => {
    honestDeal = await dealOverHttp(procurement, honest.sales, honest.node.key.orgId, dealTerms())
    const { session, commitment } = honestDeal

    const { commitments } = await procurement.call('listCommitments', { query: {} })
    assert.deepEqual(commitments.map((c) => [c.id, c.party, c.session, c.outcome]), [[commitment, true, session, 'pending']])
    const read = await procurement.call('readCommitment', { params: { id: commitment } })
    assert.equal(read.deal?.terms.total.amount, 2_000_000, 'the private terms, on a party\'s node')
    assert.equal(read.record, (await procurement.call('getSession', { params: { id: session } })).commitment)
    assert.deepEqual(read.obligations.map((o) => [o.id, o.status]), [['deliver', 'pending'], ['pay', 'pending']])
    assert.equal((await honest.sales.call('readCommitment', { params: { id: commitment } })).deal?.terms.total.amount, 2_000_000)

    // Another agent of the same org: as if it did not exist.
    assert.deepEqual((await finance.call('listCommitments', { query: {} })).commitments, [])
    assert.deepEqual(await failure(finance.call('readCommitment', { params: { id: commitment } })), { status: 404, code: 'API_NOT_FOUND' })
    assert.deepEqual(await failure(finance.call('confirmObligation', { params: { id: commitment }, body: { obligation: 'deliver' } })), { status: 404, code: 'API_NOT_FOUND' })
    assert.deepEqual(await failure(finance.call('waiveObligation', { params: { id: commitment }, body: { obligation: 'deliver' } })), { status: 404, code: 'API_NOT_FOUND' })

    // The buyer confirms what it received; "pay" is owed to the seller, not to the buyer.
    const log = net.nodes[BUYER]!.log.head().seq
    assert.deepEqual(await failure(procurement.call('confirmObligation', { params: { id: commitment }, body: { obligation: 'pay' } })), { status: 409, code: 'SESSION_NOT_BENEFICIARY' })
    assert.equal(net.nodes[BUYER]!.log.head().seq, log, 'a refused confirmation changes nothing')
    const confirmed = await procurement.call('confirmObligation', { params: { id: commitment }, body: { obligation: 'deliver', note: 'hours available' } })
    assert.deepEqual(confirmed.obligations.map((o) => [o.id, o.status]), [['deliver', 'honored'], ['pay', 'pending']])
    assert.deepEqual((await procurement.call('getTranscript', { params: { id: session } })).messages.at(-1)?.body, { obligation: 'deliver', note: 'hours available' })

    await eventually('obligation.confirmed on the buyer agent\'s stream', () => seen.some((e) => e.type === 'obligation.confirmed' && e.data.commitment === commitment))
    const attested = seen.filter((e) => e.type === 'commitment.attested' && e.data.commitment === commitment)
    assert.equal(attested.length, 1)
    assert.equal(attested[0]!.data.session, session)
    const receipt = seen.find((e) => e.type === 'obligation.confirmed')!
    assert.deepEqual(receipt.agents, ['procurement'])
    assert.deepEqual([receipt.data.obligation, receipt.data.outcome, receipt.data.beneficiary, receipt.data.obligor, receipt.data.session],
      ['deliver', 'met', net.nodes[BUYER]!.key.orgId, honest.node.key.orgId, session])
    // The seller's node gets the gossiped receipt, and its agent the same event.
    await eventually('the seller agent hears of the receipt', async () => (await honest.sales.call('listEvents', { query: { limit: 1000 } })).events
      .some((e) => e.type === 'obligation.confirmed' && e.data.receipt === receipt.data.receipt))
    assert.ok(!(await finance.call('listEvents', { query: { limit: 1000 } })).events.some((e) => e.data.commitment === commitment), 'nothing for the other agent')
  })

  it('a dispute opened by hand with evidence, its event, scoped lists; reputation and discovery ranked by the buyer\'s view', async () => {
    const { session, commitment } = await dealOverHttp(procurement, disputed.sales, disputed.node.key.orgId, dealTerms())
    // The seller's offer, beside what the node adds itself (attestation, commitment, last message).
    const evidence = (await procurement.call('getTranscript', { params: { id: session } })).messages.find((m) => m.type === 'PROPOSE')!.cid
    const opened = await procurement.call('openDispute', { body: { commitment, obligation: 'deliver', claim: 'not-as-agreed', statement: 'A10 GPUs, not A100', evidence: [evidence] } })
    assert.deepEqual([opened.claimant, opened.respondent, opened.claim, opened.status, opened.session], [net.nodes[BUYER]!.key.orgId, disputed.node.key.orgId, 'not-as-agreed', 'open', session])
    assert.ok(opened.evidence.includes(evidence))
    // Opening the same claim again answers the dispute already open.
    assert.equal((await procurement.call('openDispute', { body: { commitment, obligation: 'deliver', claim: 'not-as-agreed' } })).id, opened.id)
    assert.deepEqual(await failure(procurement.call('openDispute', { body: { commitment, obligation: 'pay', claim: 'not-as-agreed' } })), { status: 409, code: 'CONSEQUENCE_NOT_BENEFICIARY' })
    assert.deepEqual(await failure(finance.call('openDispute', { body: { commitment, obligation: 'deliver', claim: 'not-as-agreed' } })), { status: 404, code: 'API_NOT_FOUND' })
    await eventually('dispute.opened on the stream', () => seen.some((e) => e.type === 'dispute.opened' && e.data.dispute === opened.id))

    assert.deepEqual((await procurement.call('listDisputes', { query: {} })).disputes.map((d) => d.id), [opened.id])
    assert.deepEqual((await procurement.call('getDispute', { params: { id: opened.id } })).statement, 'A10 GPUs, not A100')
    assert.deepEqual((await finance.call('listDisputes', { query: {} })).disputes, [])
    assert.deepEqual(await failure(finance.call('getDispute', { params: { id: opened.id } })), { status: 404, code: 'API_NOT_FOUND' })
    await eventually('the seller\'s node holds the dispute', async () => (await disputed.sales.call('listDisputes', { query: {} })).disputes.some((d) => d.id === opened.id))
    assert.equal((await procurement.call('readCommitment', { params: { id: commitment } })).outcome, 'disputed')

    // Reputation: the honoured seller, the disputed one, and a stranger, in the buyer's view.
    const score = async (org: string): Promise<number> => (await procurement.call('getReputation', { params: { org } })).score
    const h = await procurement.call('getReputation', { params: { org: honest.node.key.orgId } })
    const d = await procurement.call('getReputation', { params: { org: disputed.node.key.orgId } })
    const stranger = await score(testSigner('stranger').orgId)
    assert.deepEqual([h.honored, h.openDisputes, d.honored, d.openDisputes], [1, 0, 0, 1])
    assert.ok(d.score < stranger && stranger <= h.score, `disputed ${d.score} < stranger ${stranger} <= honest ${h.score}`)
    assert.ok(typeof h.breakdown.R === 'number' && h.breakdown.R > 0)
    const table = await procurement.call('reputationTable', {})
    assert.equal(table.observer, net.nodes[BUYER]!.key.orgId)
    assert.deepEqual(table.subjects.map((s) => s.subject), [honest.node.key.orgId, disputed.node.key.orgId])
    assert.deepEqual(await failure(procurement.call('getReputation', { params: { org: net.nodes[BUYER]!.key.orgId } })), { status: 400, code: 'API_REQUEST_INVALID' })

    // Discovery: both sellers, the honoured one first although its org id sorts after the other's.
    await honest.sales.call('publishCard', { body: { capabilities: ['sell:gpu-hours'], summary: 'honest' } })
    await disputed.sales.call('publishCard', { body: { capabilities: ['sell:gpu-hours'], summary: 'disputed' } })
    let found: Response<'discover'>['agents'] = []
    await eventually('both sellers discovered', async () => (found = (await procurement.call('discover', { query: { capability: 'sell:gpu-hours' } })).agents).length === 2)
    assert.deepEqual(found.map((a) => a.summary), ['honest', 'disputed'])
    assert.ok(found[0]!.score > found[1]!.score)
    assert.ok(Math.abs(found[1]!.score - await score(disputed.node.key.orgId)) < 0.5, 'the score is the reputation view\'s')
    assert.deepEqual(found.map((a) => a.standing), ['unvetted', 'unvetted'])
  })

  it('an obligation past due with no receipt gives obligation.due once, to both sides, and not again after a restart', async () => {
    const now = Date.now()
    const soon = toJson(terms({
      arbiters: [],
      quorum: 0,
      deliveryBy: now + 1500,
      obligations: [
        { id: 'deliver', obligor: 'responder', what: 'make 500 GPU hours available', dueBy: now + 1500 },
        { id: 'pay', obligor: 'initiator', what: 'pay 20,000.00 EUR', dueBy: 1_800_100_000_000 }
      ]
    })) as Record<string, unknown>
    const { commitment } = await dealOverHttp(procurement, honest.sales, honest.node.key.orgId, soon)
    const due = (events: ApiEvent[]): ApiEvent[] => events.filter((e) => e.type === 'obligation.due' && e.data.commitment === commitment)
    await eventually('obligation.due on the buyer\'s stream', () => due(seen).length === 1)
    assert.deepEqual([due(seen)[0]!.data.obligation, due(seen)[0]!.data.owed, due(seen)[0]!.agents], ['deliver', 'to-us', ['procurement']])
    await eventually('and on the seller\'s side', async () => due((await honest.sales.call('listEvents', { query: { limit: 1000 } })).events).length === 1)
    assert.equal(due((await honest.sales.call('listEvents', { query: { limit: 1000 } })).events)[0]!.data.owed, 'by-us')

    const node = await net.restart(BUYER)
    procurement = new (procurement.constructor as typeof AspClient)({ url: node.apiUrl as string, token: (procurement as unknown as { token: string }).token })
    await new Promise((resolve) => setTimeout(resolve, 500)) // several checks
    assert.equal(due((await procurement.call('listEvents', { query: { limit: 1000 } })).events).length, 1, 'once, across the restart')
  })

  it('a missed-deadline dispute opened through HTTP is ruled by the arbiter: dispute.ruled reaches the agent, the dispute reads breach', async () => {
    // A network of its own: buyer, seller, and an arbiter node that votes by itself.
    const small = await startNetwork(3, {
      config: (c) => {
        c.arbiter.enabled = true
        c.disputes.watchdogIntervalMs = 100
        c.disputes.responseWindowMs = 300
      }
    })
    try {
      const [arbiter, buyer, seller] = small.nodes as [AspNode, AspNode, AspNode]
      await eventually('the buyer reaches both', () => buyer.peer.getPeers().length >= 2 && seller.peer.getPeers().length >= 1)
      const agent = await agentClient(small, 1, 'procurement')
      const { commitment } = await closeDeal(buyer, seller, { arbiters: [arbiter], quorum: 1, deliverInMs: 500, payInMs: 600_000 })
      await eventually('the arbiter holds the attestation', () => arbiter.consequences.book.attestations.has(commitment))
      await new Promise((resolve) => setTimeout(resolve, 600))
      const opened = await agent.call('openDispute', { body: { commitment, obligation: 'deliver', claim: 'missed-deadline' } })
      let ruled: ApiEvent | undefined
      await eventually('dispute.ruled for the agent', async () => {
        ruled = (await agent.call('listEvents', { query: { limit: 1000 } })).events.find((e) => e.type === 'dispute.ruled' && e.data.dispute === opened.id)
        return ruled !== undefined
      }, 30_000)
      assert.deepEqual([ruled!.data.outcome, ruled!.data.commitment, ruled!.data.obligation, ruled!.agents], ['breach', commitment, 'deliver', ['procurement']])
      const read = await agent.call('getDispute', { params: { id: opened.id } })
      assert.deepEqual([read.status, read.verdicts.map((v) => v.outcome), read.votes.map((v) => [v.arbiter, v.rule])], ['breach', ['breach'], [[arbiter.key.orgId, 'deadline-missed']]])
      assert.equal((await agent.call('readCommitment', { params: { id: commitment } })).outcome, 'breached')
      // The arbiter's operator hears of it too; no agent of the arbiter's org is concerned.
      const arbiterEvents = (await (await operatorClient(small, 0)).call('listEvents', { query: { limit: 1000 } })).events
      assert.deepEqual(arbiterEvents.filter((e) => e.data.dispute === opened.id).map((e) => [e.type, e.agents]), [['dispute.opened', []], ['dispute.ruled', []]])
    } finally {
      await small.stop()
    }
  })

  it('consequence records stored while the API did not follow them (a crash between log and journal) become events at the next start, once', async () => {
    const { commitment } = honestDeal
    const seller = honest.node
    const quiet = await net.restart(BUYER, { api: false })
    await quiet.peer.dial(seller.peer.getMultiaddrs())
    // The seller confirms the payment; its receipt reaches the buyer's node while the buyer's API is down.
    await honest.sales.call('confirmObligation', { params: { id: commitment }, body: { obligation: 'pay' } })
    await eventually('the buyer\'s node holds the receipt', () => quiet.consequences.book.receipts.has(`${commitment}/pay`), 30_000)
    // And an approval asked and decided there.
    const approval = await quiet.guardrails.approvals.request({ subject: { kind: 'test', id: 'x' }, summary: 'while the API was down', quorum: 1, payload: null })
    await quiet.guardrails.approvals.decide(approval.id, 'alice', 'refuse')

    const operatorOf = async (): Promise<AspClient> => operatorClient(net, BUYER)
    await net.restart(BUYER)
    let operator = await operatorOf()
    const ofInterest = (events: ApiEvent[]): string[] => events
      .filter((e) => (e.type === 'obligation.confirmed' && e.data.commitment === commitment && e.data.obligation === 'pay') || (e.type.startsWith('approval.') && e.data.approval === approval.id))
      .map((e) => `${e.type} ${e.agents.join(',')}`)
    const events = (await operator.call('listEvents', { query: { limit: 1000 } })).events
    assert.deepEqual(ofInterest(events), ['obligation.confirmed procurement', 'approval.needed ', 'approval.decided '])
    assert.equal(events.find((e) => e.type === 'approval.decided' && e.data.approval === approval.id)?.data.status, 'refused')
    assert.equal((await operator.call('readCommitment', { params: { id: commitment } })).outcome, 'honored')
    const count = events.length
    await net.restart(BUYER)
    operator = await operatorOf()
    assert.equal((await operator.call('listEvents', { query: { limit: 1000 } })).events.length, count, 'caught up once: another start adds nothing')
  })
})
