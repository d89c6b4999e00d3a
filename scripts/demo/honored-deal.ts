// Act 3: the buyer negotiates with vendor A (REQUEST, PROPOSE, COUNTER, ACCEPT); its counter-offer
// is over its approval threshold, so the node holds it and escalates until a person approves; both
// sides COMMIT; vendor A delivers, each side confirms what it received: honored.
import { AspApiError } from '../../src/client/index.js'
import type { Agent } from './agent.js'
import { json, shown } from './cli.js'
import { APPROVER, type Cast } from './setup.js'
import { check, fail, note, ok, step, waitFor } from './steps.js'
import { euros, gpuTerms, priceLine, type Terms } from './terms.js'

/** The arbiters a vendor's agent names in its offers, found like any other capability. */
export async function findArbiters (agent: Agent, expected: string[]): Promise<string[]> {
  const agents = await waitFor(`${agent.org}'s agent to find the three arbiters (GET /v1/discover?capability=arbiter)`, async () => {
    const found = (await agent.client.call('discover', { query: { capability: 'arbiter' } })).agents
    return expected.every((org) => found.some((a) => a.org === org)) ? found : undefined
  }, { timeoutMs: 30_000, intervalMs: 500 })
  return [...new Set(agents.map((a) => a.org))].filter((org) => expected.includes(org)).sort()
}

interface Approval { id: string, status: string, subject: { id: string }, outcome?: { ok: boolean } }

export async function honoredDeal (cast: Cast): Promise<{ session: string, commitment: string }> {
  const { buyer, vendorA, net } = cast
  const arbiterIds = net.arbiters.map((a) => a.orgId)
  const session = await step('The procurement agent asks vendor A for 500 GPU hours; vendor A\'s sales agent proposes 48.00 EUR an hour', async () => {
    const opened = await buyer.open({ org: cast.vendorANode.orgId, agent: 'sales' }, { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: '500 A100 GPU hours this week' } })
    note(`REQUEST sent; session ${opened.id} (${opened.phase})`)
    const id = (await vendorA.nextMessage('REQUEST')).session
    check(id === opened.id, 'vendor A heard of another session than the one the buyer opened')
    const arbiters = await findArbiters(vendorA, arbiterIds)
    note(`vendor A's agent names the arbiters it found: ${arbiters.map((a) => net.nameOf(a)).sort().join(', ')} (2 of 3 decide)`)
    const proposed = await vendorA.send(id, { type: 'PROPOSE', body: { terms: gpuTerms({ hours: 500, pricePerHour: 4800, deliverInMs: 60_000, payInMs: 90_000, arbiters, quorum: 2 }) } })
    note(`PROPOSE: ${priceLine(proposed.liveOffer?.terms ?? fail('no live offer after PROPOSE'))}, delivery within a minute`)
    return id
  })

  const approval = await step('The agent counters at 40.00 EUR: 20,000.00 EUR is above its 10,000 EUR approval threshold, so its node holds the COUNTER and escalates', async () => {
    const offer = await buyer.nextMessage('PROPOSE', session)
    const proposed = offer.message.body.terms as Terms
    const terms: Terms = { ...proposed, unitPrice: { amount: 4000, currency: 'EUR' }, total: { amount: 500 * 4000, currency: 'EUR' } }
    terms.obligations = terms.obligations.map((o) => (o.id === 'pay' ? { ...o, what: `pay ${euros(terms.total.amount)}` } : o))
    const refused = await buyer.sendRefused(session, { type: 'COUNTER', body: { terms }, replyTo: offer.cid }, 'POLICY_APPROVAL_REQUIRED')
    note(`the node answers the agent ${refused.status} ${refused.code}: ${refused.problem.detail ?? ''}`)
    const escalate = await vendorA.nextMessage('ESCALATE', session)
    note(`vendor A receives ESCALATE: "${String(escalate.message.body.reason ?? '')}"`)
    const state = await buyer.session(session)
    check(state.waitingOn === 'initiator', `the session should wait on the buyer's people, waits on ${String(state.waitingOn)}`)
    const pending = await json<Approval[]>(['approvals', 'list', '--data-dir', cast.buyerNode.dir, '--json'])
    const mine = pending.find((a) => a.subject.id === session && a.status === 'pending')
    if (mine === undefined) return fail(`no pending approval for session ${session} on the buyer's node`)
    ok('the COUNTER did not leave the buyer\'s node; an approval waits for a person')
    return mine
  })

  await step('The buyer\'s procurement lead reviews the deal and approves it; the node sends the held COUNTER', async () => {
    await shown(['approvals', '--data-dir', cast.buyerNode.dir])
    const decided = await shown(['approvals', 'approve', approval.id, '--data-dir', cast.buyerNode.dir, '--as', APPROVER, '--note', 'within the quarter\'s GPU budget'])
    check(/carried out/.test(decided.stdout), 'the approval was not carried out')
    const counter = await vendorA.nextMessage('COUNTER', session)
    note(`vendor A receives the COUNTER: ${priceLine(counter.message.body.terms as Terms)}`)
  })

  const commitment = await step('Vendor A accepts; both sides COMMIT, and each node signs the agreement with its org key', async () => {
    const offer = (await vendorA.session(session)).liveOffer
    check(offer !== null && offer.by === 'initiator', 'vendor A sees no live counter-offer from the buyer')
    const accepted = await vendorA.send(session, { type: 'ACCEPT', body: { offer: offer.cid } })
    check(accepted.phase === 'accepted' && accepted.agreement !== null, `after ACCEPT the session is ${accepted.phase}`)
    const agreement = accepted.agreement.cid
    note(`ACCEPT: agreement ${agreement.slice(0, 20)}… (${accepted.phase})`)
    // Both at once, as two independent agents would; the node sorts out who goes first.
    const [a, b] = await Promise.all([buyer, vendorA].map(async (agent: Agent) => agent.send(session, { type: 'COMMIT', body: { agreement } }).catch((err: unknown) => {
      if (err instanceof AspApiError && err.code === 'SESSION_ALREADY_COMMITTED') return agent.session(session)
      throw err
    })))
    const done = await buyer.sessionWhen(session, 'both COMMITs', (s) => s.commitment !== null)
    check(done.phase === 'committed', `after both COMMITs the session is ${done.phase}`)
    check(a !== undefined && b !== undefined, 'a COMMIT got no answer')
    const signed = await buyer.client.call('getCommitment', { params: { id: session } })
    check(signed.value.sigs.initiator.length > 0 && signed.value.sigs.responder.length > 0, 'the commitment lacks a signature')
    ok(`commitment ${done.commitment?.slice(0, 20)}… signed by the buyer and vendor A, in both logs`)
    return agreement
  })

  await step('Vendor A delivers; the buyer\'s agent CONFIRMs deliver, vendor A\'s agent CONFIRMs pay: the deal is honored', async () => {
    await vendorA.send(session, { type: 'INFORM', body: { text: '500 A100 GPU hours are ready: reservation eu-west-7/R-2041' } })
    await buyer.nextMessage('INFORM', session)
    await buyer.send(session, { type: 'CONFIRM', body: { obligation: 'deliver', note: 'the 500 hours are usable' } })
    await vendorA.send(session, { type: 'CONFIRM', body: { obligation: 'pay', note: 'payment received' } })
    await buyer.sessionWhen(session, 'the session to be fulfilled', (s) => s.phase === 'fulfilled')
    const closed = await buyer.send(session, { type: 'CLOSE', body: { reason: 'done, thank you' } })
    check(closed.phase === 'closed', `after CLOSE the session is ${closed.phase}`)
    const outcome = await waitFor('the buyer\'s node to derive the outcome honored', async () => {
      const c = await json<{ outcome: string }>(['commitments', 'show', commitment, '--data-dir', cast.buyerNode.dir, '--json'])
      return c.outcome === 'honored' ? c : undefined
    })
    check(outcome.outcome === 'honored', 'not honored')
    await shown(['commitments', 'show', commitment, '--data-dir', cast.buyerNode.dir])
    ok('honored: both obligations met, each confirmed by a signed receipt of its beneficiary')
  })
  return { session, commitment }
}
