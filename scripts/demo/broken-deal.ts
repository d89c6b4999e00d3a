// Act 4: vendor B takes a second deal with a delivery due in seconds and lets it pass. Nobody acts
// by hand: the buyer's node opens the dispute by itself, the arbiters rule breach, and every other
// node lowers vendor B's score.
import { commandLine, json, shown } from './cli.js'
import { scoreOf, type Score } from './discovery.js'
import { findArbiters } from './honored-deal.js'
import type { DemoNode } from './network.js'
import type { Cast } from './setup.js'
import { check, fail, note, ok, step, waitFor } from './steps.js'
import { gpuTerms, priceLine } from './terms.js'

export interface DisputeView {
  id: string
  dispute: { claim: string, claimant: string, respondent: string, commitment: string, obligation: string, openedAt: number }
  votes: Array<{ arbiter: string, outcome: string, rule: string, at: number }>
  verdicts: Array<{ cid: string, outcome: string, at: number }>
}

/** A dispute as `asp disputes list --json` prints it (the API's Dispute). */
interface ListedDispute extends Omit<DisputeView, 'dispute'> {
  claim: string
  claimant: string
  respondent: string
  commitment: string
  obligation: string
  openedAt: number
}

export async function disputesOn (node: DemoNode): Promise<DisputeView[]> {
  const { disputes } = await json<{ disputes: ListedDispute[] }>(['disputes', 'list', '--data-dir', node.dir, '--json'])
  return disputes.map((d) => ({
    id: d.id,
    dispute: { claim: d.claim, claimant: d.claimant, respondent: d.respondent, commitment: d.commitment, obligation: d.obligation, openedAt: d.openedAt },
    votes: d.votes,
    verdicts: d.verdicts
  }))
}

export interface BrokenDeal {
  session: string
  commitment: string
  deadline: number
  dispute: DisputeView
  before: Map<DemoNode, Score>
  after: Map<DemoNode, Score>
}

const DELIVER_IN_MS = 6000

export async function brokenDeal (cast: Cast): Promise<BrokenDeal> {
  const { buyer, vendorB, net } = cast
  const vendor = cast.vendorBNode.orgId
  const observers = net.nodes.filter((n) => n !== cast.vendorBNode)
  const before = await step('Before the second deal: vendor B\'s score on every other node', async () => {
    const scores = new Map<DemoNode, Score>()
    await Promise.all(observers.map(async (n) => { scores.set(n, (await scoreOf(n.dir, vendor)).score) }))
    const values = [...new Set(observers.map((n) => (scores.get(n)?.score ?? NaN).toFixed(1)))]
    note(values.length === 1
      ? `${values[0] ?? ''}/100 on each of them (${observers.map((n) => n.name).join(', ')}): a stranger`
      : observers.map((n) => `${n.name} -> Vendor B: ${(scores.get(n)?.score ?? NaN).toFixed(1)}/100`).join('\n'))
    return scores
  })

  const { session, commitment, deadline } = await step(`The buyer needs 100 more hours at once; vendor B offers them, delivery due in ${DELIVER_IN_MS / 1000} s`, async () => {
    const opened = await buyer.open({ org: vendor, agent: 'sales' }, { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: '100 GPU hours for a burst job, within seconds' } })
    const id = (await vendorB.nextMessage('REQUEST')).session
    check(id === opened.id, 'vendor B heard of another session than the one the buyer opened')
    const arbiters = await findArbiters(vendorB, net.arbiters.map((a) => a.orgId))
    const terms = gpuTerms({ hours: 100, pricePerHour: 4500, deliverInMs: DELIVER_IN_MS, payInMs: 30 * 86_400_000, arbiters, quorum: 2 })
    await vendorB.send(id, { type: 'PROPOSE', body: { terms } })
    note(`PROPOSE: ${priceLine(terms)}, delivery due at ${new Date(terms.deliveryBy).toISOString()}, payment within 30 days; arbiters ${arbiters.map((a) => net.nameOf(a)).sort().join(', ')}`)
    const offer = (await buyer.nextMessage('PROPOSE', id)).cid
    const accepted = await buyer.send(id, { type: 'ACCEPT', body: { offer } })
    const agreement = accepted.agreement?.cid ?? fail('no agreement after ACCEPT')
    note('4,500.00 EUR is under the approval threshold: the agent ACCEPTs on its own')
    await vendorB.send(id, { type: 'COMMIT', body: { agreement } })
    const done = await buyer.send(id, { type: 'COMMIT', body: { agreement } })
    check(done.phase === 'committed' && done.commitment !== null, `after both COMMITs the session is ${done.phase}`)
    check(Date.now() < terms.deliveryBy, 'the deal was committed after its delivery deadline; the demo machine is too slow for this deadline')
    ok(`committed ${((terms.deliveryBy - Date.now()) / 1000).toFixed(1)} s before the delivery deadline; vendor B's agent now goes quiet`)
    return { session: id, commitment: agreement, deadline: terms.deliveryBy }
  })

  const dispute = await step('The deadline passes without a delivery: the buyer\'s node opens a dispute by itself', async () => {
    const found = await waitFor('the buyer\'s node to open a dispute about the delivery', async () => {
      const d = (await disputesOn(cast.buyerNode)).find((x) => x.dispute.commitment === commitment && x.dispute.obligation === 'deliver')
      return d
    }, { timeoutMs: Math.max(0, deadline - Date.now()) + 30_000, intervalMs: 500 })
    check(found.dispute.claimant === cast.buyerNode.orgId, `the dispute was opened by ${net.nameOf(found.dispute.claimant)}, not the buyer's node`)
    check(found.dispute.respondent === vendor, `the dispute names ${net.nameOf(found.dispute.respondent)}, not vendor B`)
    check(found.dispute.claim === 'missed-deadline', `the claim is ${found.dispute.claim}, not missed-deadline`)
    check(found.dispute.openedAt >= deadline, 'the dispute was opened before the deadline')
    await shown(['disputes', 'list', '--data-dir', cast.buyerNode.dir])
    ok(`dispute opened by the buyer's node (its watchdog), ${((found.dispute.openedAt - deadline) / 1000).toFixed(1)} s after the deadline: missed-deadline, deliver, Buyer vs Vendor B`)
    return found
  })

  await step('The arbiters ask both parties for evidence, find no receipt of delivery, and vote: the verdict is breach', async () => {
    const pending = new Set(net.nodes)
    let verdict: DisputeView | undefined
    await waitFor('a breach verdict on every node', async () => {
      await Promise.all([...pending].map(async (n) => {
        const d = (await disputesOn(n)).find((x) => x.id === dispute.id)
        if (d?.verdicts.some((v) => v.outcome === 'breach') === true) {
          pending.delete(n)
          if (n === cast.buyerNode) verdict = d
        }
      }))
      return pending.size === 0 ? true : undefined
    }, { timeoutMs: 45_000, intervalMs: 500 })
    if (verdict === undefined) return fail('no verdict on the buyer\'s node')
    check(verdict.verdicts.every((v) => v.outcome === 'breach'), `a verdict other than breach: ${verdict.verdicts.map((v) => v.outcome).join(', ')}`)
    for (const v of verdict.votes) note(`${net.nameOf(v.arbiter)} voted ${v.outcome} (rule ${v.rule})`)
    ok(`verdict breach, signed by a quorum of the deal's arbiters, held by all ${net.nodes.length} nodes`)
  })

  const after = await step('Vendor B\'s score drops on every other node', async () => {
    const scores = new Map<DemoNode, Score>()
    await Promise.all(observers.map(async (n) => { scores.set(n, (await scoreOf(n.dir, vendor)).score) }))
    note(commandLine(['reputation', vendor, '--data-dir', 'DIR', '--json']) + '   (on each node)')
    for (const n of observers) {
      const was = before.get(n)
      const now = scores.get(n)
      if (was === undefined || now === undefined) return fail(`no score of vendor B on ${n.name}`)
      check(now.breached >= 1, `${n.name} does not count vendor B's breach`)
      check(now.score < was.score, `${n.name}'s score of vendor B did not drop: ${was.score} then ${now.score}`)
      note(`${n.name.padEnd(10)} -> Vendor B  ${was.score.toFixed(1)}/100 -> ${now.score.toFixed(1)}/100  (${now.breached} breach)`)
    }
    ok(`vendor B's score is lower on all ${observers.length} other nodes (a node does not score its own org)`)
    return scores
  })
  return { session, commitment, deadline, dispute, before, after }
}
