// Observer-independent sums per org and per (subject, witness) pair, kept up to date as evidence
// settles. The common case (a new receipt) adds to the sums; anything that takes a contribution
// away (a verdict overriding a receipt, an earlier record replacing one) rebuilds the org's sums
// from the ledger, so nothing is ever subtracted and the sums stay exact.
import { F64Column, I32Column } from './columns.js'
import type { Decay } from './decay.js'
import type { Ledger } from './ledger.js'
import { PairIndex } from './pair-index.js'

export class Tally {
  // per org
  readonly deals = new I32Column()
  readonly honored = new I32Column()
  readonly breaches = new I32Column()
  readonly forkCount = new I32Column()
  readonly rejectedClaims = new I32Column()
  readonly lastActivity = new F64Column(1024, Number.NEGATIVE_INFINITY)
  /** Latest breach, fork or dismissed claim of the org (its own failures). */
  readonly lastFailure = new F64Column(1024, Number.NEGATIVE_INFINITY)
  /** Scaled (failed half-life) weight of breaches and forks of the org. */
  readonly failScaled = new F64Column()
  /** Lifetime value weight of breaches and forks: Bw. */
  readonly breachWeight = new F64Column()
  /** Scaled (failed half-life) weight of the org's claims that arbiters dismissed. */
  readonly dismissedScaled = new F64Column()
  readonly pairHead = new I32Column(1024, -1)
  /** Bumped whenever anything about the org changes; lets views reuse scores. */
  readonly version = new I32Column()
  /** Open disputes against the org (obligation indexes). */
  readonly open = new Map<number, Set<number>>()
  /** Fork proofs per org: the time of the earliest proof for each seq. */
  readonly forks = new Map<number, Map<number, number>>()

  // per (subject, witness) pair of honored evidence; also the edges witness -> subject of the graph
  private readonly pairs = new PairIndex()
  pairCount = 0
  readonly pSubject = new I32Column()
  readonly pWitness = new I32Column()
  readonly pNext = new I32Column()
  /** Scaled (honored half-life) value weight. */
  readonly pWeight = new F64Column()
  /** Lifetime value weight. */
  readonly pLifetime = new F64Column()
  readonly pCount = new I32Column()
  readonly pLast = new F64Column(1024, Number.NEGATIVE_INFINITY)
  /** Bumped when any pair weight changes or an org appears: the graph must be rebuilt. */
  graphVersion = 0

  constructor (private readonly ledger: Ledger, private readonly decay: Decay, private readonly forkWeight: number) {}

  ensureOrgs (n: number): void {
    if (n <= this.deals.data.length) return
    for (const col of [this.deals, this.honored, this.breaches, this.forkCount, this.rejectedClaims, this.pairHead, this.version]) col.ensure(n)
    for (const col of [this.lastActivity, this.lastFailure, this.failScaled, this.breachWeight, this.dismissedScaled]) col.ensure(n)
  }

  touch (org: number, at: number): void {
    if (at > (this.lastActivity.data[org] as number)) this.lastActivity.data[org] = at
    this.version.data[org] = (this.version.data[org] as number) + 1
  }

  /** Multiplies every scaled sum when the decay epoch moves. */
  rescale (honored: number, failed: number): void {
    const w = this.pWeight.data
    for (let p = 0; p < this.pairCount; p++) w[p] = (w[p] as number) * honored
    const f = this.failScaled.data
    const d = this.dismissedScaled.data
    for (let i = 0; i < f.length; i++) {
      f[i] = (f[i] as number) * failed
      d[i] = (d[i] as number) * failed
    }
    this.graphVersion++
  }

  private pair (subject: number, witness: number): number {
    let p = this.pairs.get(subject, witness)
    if (p === -1) {
      p = this.pairCount++
      this.pairs.set(subject, witness, p)
      if (p >= this.pSubject.data.length) {
        for (const col of [this.pSubject, this.pWitness, this.pNext, this.pCount]) col.ensure(p + 1)
        for (const col of [this.pWeight, this.pLifetime, this.pLast]) col.ensure(p + 1)
      }
      this.pSubject.data[p] = subject
      this.pWitness.data[p] = witness
      this.pNext.data[p] = this.pairHead.data[subject] as number
      this.pairHead.data[subject] = p
    }
    return p
  }

  /** Counts obligation o as honored (a receipt or a dismissed claim, and no verdict of breach). */
  addHonored (o: number): void {
    const l = this.ledger
    const subject = l.oObligor.data[o] as number
    const witness = l.oBeneficiary.data[o] as number
    const weight = l.cWeight.data[l.oCommit.data[o] as number] as number
    const at = l.creditAt(o)
    const p = this.pair(subject, witness)
    this.pWeight.data[p] = (this.pWeight.data[p] as number) + weight * this.decay.honoredScale(at)
    this.pLifetime.data[p] = (this.pLifetime.data[p] as number) + weight
    this.pCount.data[p] = (this.pCount.data[p] as number) + 1
    if (at > (this.pLast.data[p] as number)) this.pLast.data[p] = at
    this.honored.data[subject] = (this.honored.data[subject] as number) + 1
    this.graphVersion++
  }

  /** Counts a breach verdict against the obligor of o (once per obligor and commitment). */
  addBreach (o: number): void {
    const l = this.ledger
    const subject = l.oObligor.data[o] as number
    const weight = l.cWeight.data[l.oCommit.data[o] as number] as number
    this.addFailure(subject, weight, l.at('breach', o))
  }

  addFork (org: number, at: number): void {
    this.forkCount.data[org] = (this.forkCount.data[org] as number) + 1
    this.addFailure(org, this.forkWeight, at)
  }

  private addFailure (org: number, weight: number, at: number): void {
    if (at > (this.lastFailure.data[org] as number)) this.lastFailure.data[org] = at
    this.breaches.data[org] = (this.breaches.data[org] as number) + 1
    this.failScaled.data[org] = (this.failScaled.data[org] as number) + weight * this.decay.failedScale(at)
    this.breachWeight.data[org] = (this.breachWeight.data[org] as number) + weight
  }

  /** Counts a dismissed claim against the claimant (the beneficiary of o). */
  addDismissed (o: number): void {
    const l = this.ledger
    const claimant = l.oBeneficiary.data[o] as number
    const weight = l.cWeight.data[l.oCommit.data[o] as number] as number
    const at = l.at('dismissed', o)
    if (at > (this.lastFailure.data[claimant] as number)) this.lastFailure.data[claimant] = at
    this.rejectedClaims.data[claimant] = (this.rejectedClaims.data[claimant] as number) + 1
    this.dismissedScaled.data[claimant] = (this.dismissedScaled.data[claimant] as number) + weight * this.decay.failedScale(at)
  }

  openDispute (o: number): void {
    const respondent = this.ledger.oObligor.data[o] as number
    let set = this.open.get(respondent)
    if (set === undefined) this.open.set(respondent, set = new Set())
    set.add(o)
  }

  closeDispute (o: number): void {
    const respondent = this.ledger.oObligor.data[o] as number
    const set = this.open.get(respondent)
    if (set === undefined) return
    set.delete(o)
    if (set.size === 0) this.open.delete(respondent)
  }

  /** Recomputes every sum about `org` from the ledger and its forks. */
  rebuild (org: number): void {
    const l = this.ledger
    for (let p = this.pairHead.data[org] as number; p !== -1; p = this.pNext.data[p] as number) {
      this.pWeight.data[p] = 0
      this.pLifetime.data[p] = 0
      this.pCount.data[p] = 0
      this.pLast.data[p] = Number.NEGATIVE_INFINITY
    }
    this.honored.data[org] = 0
    this.breaches.data[org] = 0
    this.forkCount.data[org] = 0
    this.rejectedClaims.data[org] = 0
    this.failScaled.data[org] = 0
    this.breachWeight.data[org] = 0
    this.dismissedScaled.data[org] = 0
    this.lastFailure.data[org] = Number.NEGATIVE_INFINITY
    this.open.delete(org)
    let last = Number.NEGATIVE_INFINITY
    for (let o = l.headByObligor.data[org] as number; o !== -1; o = l.oNextByObligor.data[o] as number) {
      last = Math.max(last, l.cAt.data[l.oCommit.data[o] as number] as number, l.latest(o))
      if (l.has('breach', o)) {
        if (l.firstOfObligor(o)) this.addBreach(o)
      } else if (l.has('honored', o) || l.has('dismissed', o)) {
        this.addHonored(o)
      } else if (l.isOpenDispute(o)) {
        this.openDispute(o)
      }
    }
    for (let o = l.headByBeneficiary.data[org] as number; o !== -1; o = l.oNextByBeneficiary.data[o] as number) {
      // a beneficiary takes part in everything about the obligation but its verdict of breach
      last = Math.max(last, l.cAt.data[l.oCommit.data[o] as number] as number, l.latest(o, false))
      if (l.has('dismissed', o) && !l.has('breach', o)) this.addDismissed(o)
    }
    for (const at of this.forks.get(org)?.values() ?? []) {
      last = Math.max(last, at)
      this.addFork(org, at)
    }
    this.lastActivity.data[org] = last
    this.version.data[org] = (this.version.data[org] as number) + 1
    this.graphVersion++
  }
}
