// Commitments and their obligations, with the time of the record that settles each slot: the
// receipt, the breach verdict, the open dispute and the dismissal. For every slot the earliest
// record counts, so the outcome never depends on arrival order; two records of one slot at the
// same time settle it the same way, so which of them "counts" is never observable, and no id is kept.
import { F64Column, I32Column } from './columns.js'

/** Which settling record of an obligation. */
export type Slot = 'honored' | 'breach' | 'dispute' | 'dismissed'

export class Ledger {
  private readonly commitments = new Map<string, number>()
  commitmentCount = 0
  obligationCount = 0

  // per commitment
  readonly cFirst = new I32Column()
  readonly cCount = new I32Column()
  readonly cAt = new F64Column()
  readonly cClass = new I32Column()
  readonly cWeight = new F64Column()

  // per obligation
  readonly oCommit = new I32Column()
  readonly oObligor = new I32Column()
  readonly oBeneficiary = new I32Column()
  readonly oNextByObligor = new I32Column()
  readonly oNextByBeneficiary = new I32Column()
  private readonly slotAt: Record<Slot, F64Column> = {
    honored: new F64Column(1024, Number.NaN),
    breach: new F64Column(1024, Number.NaN),
    dispute: new F64Column(1024, Number.NaN),
    dismissed: new F64Column(1024, Number.NaN)
  }

  // per org: heads of the linked lists of its obligations, as obligor and as beneficiary
  readonly headByObligor = new I32Column(1024, -1)
  readonly headByBeneficiary = new I32Column(1024, -1)

  commitment (cid: string): number | undefined {
    return this.commitments.get(cid)
  }

  /** Adds a commitment with its (non-self, distinct) obligations xs[i] -> ys[i], i < count. */
  addCommitment (cid: string, at: number, valueClass: number, weight: number, xs: Int32Array, ys: Int32Array, count: number, orgCount: number): number {
    const c = this.commitmentCount++
    this.commitments.set(cid, c)
    if (c >= this.cFirst.data.length) {
      for (const col of [this.cFirst, this.cCount, this.cClass]) col.ensure(c + 1)
      for (const col of [this.cAt, this.cWeight]) col.ensure(c + 1)
    }
    this.ensureObligations(this.obligationCount + count)
    this.cFirst.data[c] = this.obligationCount
    this.cCount.data[c] = count
    this.cAt.data[c] = at
    this.cClass.data[c] = valueClass
    this.cWeight.data[c] = weight
    this.headByObligor.ensure(orgCount)
    this.headByBeneficiary.ensure(orgCount)
    for (let i = 0; i < count; i++) {
      const x = xs[i] as number
      const y = ys[i] as number
      const o = this.obligationCount++
      this.oCommit.data[o] = c
      this.oObligor.data[o] = x
      this.oBeneficiary.data[o] = y
      this.oNextByObligor.data[o] = this.headByObligor.data[x] as number
      this.headByObligor.data[x] = o
      this.oNextByBeneficiary.data[o] = this.headByBeneficiary.data[y] as number
      this.headByBeneficiary.data[y] = o
    }
    return c
  }

  private ensureObligations (n: number): void {
    if (n <= this.oCommit.data.length) return
    for (const col of [this.oCommit, this.oObligor, this.oBeneficiary, this.oNextByObligor, this.oNextByBeneficiary]) col.ensure(n)
    for (const slot of Object.values(this.slotAt)) slot.ensure(n)
  }

  /** Whether a commitment already known has exactly this content. */
  sameContent (c: number, at: number, valueClass: number, xs: Int32Array, ys: Int32Array, count: number): boolean {
    const first = this.cFirst.data[c] as number
    if (this.cAt.data[c] !== at || this.cClass.data[c] !== valueClass || this.cCount.data[c] !== count) return false
    for (let i = 0; i < count; i++) {
      if (this.oObligor.data[first + i] !== xs[i] || this.oBeneficiary.data[first + i] !== ys[i]) return false
    }
    return true
  }

  /** The obligation x -> y of commitment c, or -1. */
  find (c: number, x: number, y: number): number {
    const first = this.cFirst.data[c] as number
    const end = first + (this.cCount.data[c] as number)
    for (let o = first; o < end; o++) {
      if (this.oObligor.data[o] === x && this.oBeneficiary.data[o] === y) return o
    }
    return -1
  }

  /** The obligations of x in commitment c. */
  obligationsOf (c: number, x: number): number[] {
    const out: number[] = []
    const first = this.cFirst.data[c] as number
    const end = first + (this.cCount.data[c] as number)
    for (let o = first; o < end; o++) if (this.oObligor.data[o] === x) out.push(o)
    return out
  }

  /** Whether o is the first obligation of its obligor in its commitment (a breach counts once per obligor). */
  firstOfObligor (o: number): boolean {
    const c = this.oCommit.data[o] as number
    const x = this.oObligor.data[o]
    for (let p = this.cFirst.data[c] as number; p < o; p++) if (this.oObligor.data[p] === x) return false
    return true
  }

  at (slot: Slot, o: number): number {
    return this.slotAt[slot].data[o] as number
  }

  has (slot: Slot, o: number): boolean {
    return !Number.isNaN(this.slotAt[slot].data[o])
  }

  /**
   * Offers a record's time for a slot: 'set' when the slot was empty, 'replaced' when this record
   * is earlier than the one there, 'duplicate' when it is the same record or a later or equal one.
   */
  offer (slot: Slot, o: number, at: number): 'set' | 'replaced' | 'duplicate' {
    const current = this.slotAt[slot].data[o] as number
    if (Number.isNaN(current)) {
      this.slotAt[slot].data[o] = at
      return 'set'
    }
    if (at >= current) return 'duplicate'
    this.slotAt[slot].data[o] = at
    return 'replaced'
  }

  /**
   * When obligation o counts as honored: its receipt, or else the dismissal of the claim against
   * it (the arbiters found it met; the verdict stands in for the receipt the claimant withheld).
   * NaN when neither exists. A verdict of breach overrides both (callers check it first).
   */
  creditAt (o: number): number {
    const receipt = this.slotAt.honored.data[o] as number
    return Number.isNaN(receipt) ? this.slotAt.dismissed.data[o] as number : receipt
  }

  /** The latest time of any settling record of o (NaN slots ignored), the verdict of breach only if asked. */
  latest (o: number, withBreach = true): number {
    let last = Number.NEGATIVE_INFINITY
    const h = this.slotAt.honored.data[o] as number
    const d = this.slotAt.dispute.data[o] as number
    const m = this.slotAt.dismissed.data[o] as number
    if (h > last) last = h
    if (d > last) last = d
    if (m > last) last = m
    if (withBreach) {
      const b = this.slotAt.breach.data[o] as number
      if (b > last) last = b
    }
    return last
  }

  /** Still open: a dispute with no receipt, verdict or dismissal. */
  isOpenDispute (o: number): boolean {
    return this.has('dispute', o) && !this.has('honored', o) && !this.has('breach', o) && !this.has('dismissed', o)
  }
}
