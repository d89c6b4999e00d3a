// How a receipt, a verdict of breach, a dismissal or an open dispute settles an obligation of a
// known commitment (protocols/reputation.md §1.2): the slot takes the earliest record, and the
// sums follow. Additions are applied directly; a record that takes a contribution away (a verdict
// over a receipt, an earlier record replacing one) makes the orgs concerned be rebuilt.
import type { BreachEvidence, DismissedEvidence, HonoredEvidence, IngestResult, OpenDisputeEvidence } from './evidence.js'
import type { Ledger } from './ledger.js'
import type { OrgTable } from './orgs.js'
import type { Tally } from './tally.js'

export type Outcome = HonoredEvidence | BreachEvidence | DismissedEvidence | OpenDisputeEvidence

export const COUNTED: IngestResult = Object.freeze({ status: 'counted' })
export const PENDING: IngestResult = Object.freeze({ status: 'pending' })
export const DUPLICATE: IngestResult = Object.freeze({ status: 'duplicate' })
export const SELF_DEAL: IngestResult = Object.freeze({ status: 'ignored', reason: 'self-deal' })
export const NO_SUCH: IngestResult = Object.freeze({ status: 'ignored', reason: 'no-such-obligation' })

/** What settling needs from the store. */
export interface SettleContext {
  readonly ledger: Ledger
  readonly tally: Tally
  readonly orgs: OrgTable
  /** Makes a time usable by the decayed sums (it may move their epoch). */
  admit (at: number): void
}

export function settle (ctx: SettleContext, c: number, item: Outcome): IngestResult {
  switch (item.kind) {
    case 'honored': return honored(ctx, c, item)
    case 'breach': return breach(ctx, c, item)
    case 'dismissed': return dismissed(ctx, c, item)
    case 'openDispute': return openDispute(ctx, c, item)
  }
}

/** The obligation `obligor -> beneficiary` of commitment c, or -1 (unknown orgs match nothing). */
function obligation (ctx: SettleContext, c: number, obligor: string, beneficiary: string): number {
  const x = ctx.orgs.lookup(obligor)
  const y = ctx.orgs.lookup(beneficiary)
  if (x === undefined || y === undefined || x === y) return -1
  return ctx.ledger.find(c, x, y)
}

function honored (ctx: SettleContext, c: number, item: HonoredEvidence): IngestResult {
  const o = obligation(ctx, c, item.obligor, item.beneficiary)
  if (o < 0) return item.obligor === item.beneficiary ? SELF_DEAL : NO_SUCH
  const l = ctx.ledger
  const change = l.offer('honored', o, item.at)
  if (change === 'duplicate') return DUPLICATE
  ctx.admit(item.at)
  const x = l.oObligor.data[o] as number
  const y = l.oBeneficiary.data[o] as number
  if (change === 'replaced') {
    // an earlier receipt for the same obligation: recount both sides from what now counts
    ctx.tally.rebuild(x)
    ctx.tally.rebuild(y)
    return COUNTED
  }
  if (l.has('dismissed', o) && !l.has('breach', o)) {
    // the credit moves from the dismissal to this receipt: recount the obligor
    ctx.tally.rebuild(x)
  } else {
    ctx.tally.closeDispute(o)
    if (!l.has('breach', o)) ctx.tally.addHonored(o)
    ctx.tally.touch(x, item.at)
  }
  ctx.tally.touch(y, item.at)
  return COUNTED
}

function breach (ctx: SettleContext, c: number, item: BreachEvidence): IngestResult {
  const x = ctx.orgs.lookup(item.obligor)
  const owed = x === undefined ? [] : ctx.ledger.obligationsOf(c, x)
  if (x === undefined || owed.length === 0) return NO_SUCH
  const l = ctx.ledger
  let first = true
  let changed = false
  for (const o of owed) {
    const change = l.offer('breach', o, item.at)
    if (change !== 'duplicate') changed = true
    if (change !== 'set' || l.has('honored', o) || l.has('dismissed', o)) first = false
  }
  if (!changed) return DUPLICATE
  ctx.admit(item.at)
  if (first) {
    // the common case, a first verdict on obligations with no credit yet: add it
    ctx.tally.addBreach(owed[0] as number)
    for (const o of owed) ctx.tally.closeDispute(o)
    ctx.tally.touch(x, item.at)
    return COUNTED
  }
  // A verdict may override receipts and dismissals, or replace an earlier one: rebuild both sides.
  ctx.tally.rebuild(x)
  for (const o of owed) if (l.has('dismissed', o)) ctx.tally.rebuild(l.oBeneficiary.data[o] as number)
  return COUNTED
}

function dismissed (ctx: SettleContext, c: number, item: DismissedEvidence): IngestResult {
  const o = obligation(ctx, c, item.respondent, item.claimant)
  if (o < 0) return item.respondent === item.claimant ? SELF_DEAL : NO_SUCH
  const l = ctx.ledger
  const change = l.offer('dismissed', o, item.at)
  if (change === 'duplicate') return DUPLICATE
  ctx.admit(item.at)
  const claimant = l.oBeneficiary.data[o] as number
  const respondent = l.oObligor.data[o] as number
  if (change === 'replaced') {
    ctx.tally.rebuild(claimant)
    ctx.tally.rebuild(respondent)
    return COUNTED
  }
  ctx.tally.closeDispute(o)
  if (!l.has('breach', o)) {
    ctx.tally.addDismissed(o)
    if (!l.has('honored', o)) ctx.tally.addHonored(o)
  }
  ctx.tally.touch(claimant, item.at)
  ctx.tally.touch(respondent, item.at)
  return COUNTED
}

function openDispute (ctx: SettleContext, c: number, item: OpenDisputeEvidence): IngestResult {
  const o = obligation(ctx, c, item.respondent, item.claimant)
  if (o < 0) return item.respondent === item.claimant ? SELF_DEAL : NO_SUCH
  const l = ctx.ledger
  const change = l.offer('dispute', o, item.at)
  if (change === 'duplicate') return DUPLICATE
  ctx.admit(item.at)
  const respondent = l.oObligor.data[o] as number
  const claimant = l.oBeneficiary.data[o] as number
  if (change === 'replaced') {
    ctx.tally.rebuild(respondent)
    ctx.tally.rebuild(claimant)
    return COUNTED
  }
  if (l.isOpenDispute(o)) ctx.tally.openDispute(o)
  ctx.tally.touch(respondent, item.at)
  ctx.tally.touch(claimant, item.at)
  return COUNTED
}
