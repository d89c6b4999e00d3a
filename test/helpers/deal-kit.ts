// Deals between real nodes in tests: negotiate to both COMMITs with given obligations and arbiters.
import { commitSigningMessage } from '../../src/session/commitment-kind.js'
import type { Body } from '../../src/session/message-types.js'
import type { AspNode } from '../../src/node.js'
import { terms } from './session-kit.js'

/** The COMMIT body `node` sends: the accepted agreement's CID and the org's signature over it. */
export function commitBody (node: AspNode, session: string): Body<'COMMIT'> {
  const agreement = node.sessions.state(session)?.agreement
  if (agreement == null) throw new Error('nothing accepted')
  return { agreement: agreement.cid, sig: node.key.signer.sign(commitSigningMessage(agreement.value)) }
}

export interface DealOptions {
  arbiters: AspNode[]
  quorum: number
  /** When the vendor's delivery is due, from now. */
  deliverInMs: number
  /** When the buyer's payment is due, from now. */
  payInMs: number
}

/** The buyer asks, the vendor proposes, the buyer accepts, both commit. Returns the session and commitment ids. */
export async function closeDeal (buyer: AspNode, vendor: AspNode, options: DealOptions): Promise<{ session: string, commitment: string }> {
  const now = Date.now()
  const t = terms({
    arbiters: options.arbiters.map((a) => a.key.orgId),
    quorum: options.quorum,
    deliveryBy: now + options.deliverInMs,
    paymentBy: now + options.payInMs,
    obligations: [
      { id: 'deliver', obligor: 'responder', what: 'make 500 GPU hours available', dueBy: now + options.deliverInMs },
      { id: 'pay', obligor: 'initiator', what: 'pay 20,000.00 EUR', dueBy: now + options.payInMs }
    ]
  })
  const s = await buyer.sessions.open('procurement', { org: vendor.key.orgId, agent: 'sales' }, { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: '500 GPU hours' } })
  await vendor.sessions.send(s.id, { type: 'PROPOSE', body: { terms: t } })
  await buyer.sessions.send(s.id, { type: 'ACCEPT', body: { offer: buyer.sessions.state(s.id)!.liveOffer!.cid } })
  await vendor.sessions.send(s.id, { type: 'COMMIT', body: commitBody(vendor, s.id) })
  const done = await buyer.sessions.send(s.id, { type: 'COMMIT', body: commitBody(buyer, s.id) })
  return { session: s.id, commitment: done.agreement!.cid.toString() }
}
