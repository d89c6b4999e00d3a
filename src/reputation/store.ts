// The evidence store: the observer-independent half of reputation. It takes evidence one item at a
// time in any order, drops what is replayed, self-dealt or unmatched, and keeps the sums (Tally)
// every observer's view reads. Many views (observers) can share one store.
import { Decay } from './decay.js'
import { ReputationError } from './errors.js'
import { checkEvidence, MAX_OBLIGATIONS, valueWeight, type DealEvidence, type Evidence, type ForkEvidence, type IngestResult, type Obligation } from './evidence.js'
import { Ledger } from './ledger.js'
import { OrgTable } from './orgs.js'
import { COUNTED, DUPLICATE, PENDING, SELF_DEAL, settle, type Outcome, type SettleContext } from './outcomes.js'
import { resolveParams, type ReputationParams } from './params.js'
import { Tally } from './tally.js'

/** The parameters the store itself depends on; views sharing a store must agree on them. */
export type StoreParams = Pick<ReputationParams, 'honoredHalfLifeDays' | 'failedHalfLifeDays' | 'maxValueWeight' | 'forkValueWeight'>

export class EvidenceStore implements SettleContext {
  readonly params: StoreParams
  readonly orgs = new OrgTable()
  readonly ledger = new Ledger()
  readonly decay: Decay
  readonly tally: Tally
  /** Outcomes whose deal is not known yet, by commitment id, each record (id) once. */
  private readonly pending = new Map<string, Map<string, Outcome>>()
  /** Items counted so far (not duplicates, not ignored); for statistics. */
  counted = 0
  // scratch space for a deal's obligations (at most MAX_OBLIGATIONS)
  private readonly xs = new Int32Array(MAX_OBLIGATIONS)
  private readonly ys = new Int32Array(MAX_OBLIGATIONS)
  private readonly parties = new Int32Array(2 * MAX_OBLIGATIONS)

  constructor (params: Partial<StoreParams> = {}) {
    const p = resolveParams(params)
    this.params = { honoredHalfLifeDays: p.honoredHalfLifeDays, failedHalfLifeDays: p.failedHalfLifeDays, maxValueWeight: p.maxValueWeight, forkValueWeight: p.forkValueWeight }
    this.decay = new Decay(p.honoredHalfLifeDays, p.failedHalfLifeDays)
    this.tally = new Tally(this.ledger, this.decay, p.forkValueWeight)
  }

  get pendingCount (): number {
    let n = 0
    for (const m of this.pending.values()) n += m.size
    return n
  }

  /** Takes one item; REPUTATION_EVIDENCE_INVALID if malformed, REPUTATION_EVIDENCE_CONFLICT if it contradicts a known deal. */
  ingest (item: Evidence): IngestResult {
    checkEvidence(item)
    const result = this.route(item)
    if (result === COUNTED) this.counted++
    return result
  }

  private route (item: Evidence): IngestResult {
    switch (item.kind) {
      case 'deal': return this.deal(item)
      case 'fork': return this.fork(item)
      case 'honored':
      case 'breach':
      case 'dismissed':
      case 'openDispute': {
        const c = this.ledger.commitment(item.commitment)
        if (c === undefined) return this.park(item)
        return settle(this, c, item)
      }
    }
  }

  private org (id: string): number {
    const before = this.orgs.size
    const i = this.orgs.intern(id)
    if (i === before) {
      this.tally.ensureOrgs(i + 1)
      this.tally.graphVersion++
    }
    return i
  }

  /** Makes `at` usable by the decayed sums, moving their epoch if it must (SettleContext). */
  admit (at: number): void {
    const moved = this.decay.admit(at)
    if (moved !== undefined) this.tally.rescale(moved.honored, moved.failed)
  }

  /** The deal's distinct non-self obligations into xs/ys (org indexes; -1 for orgs not known when !intern). */
  private obligationsOf (item: DealEvidence, intern: boolean): number {
    let count = 0
    const list = item.obligations
    next: for (let i = 0; i < list.length; i++) {
      const { obligor, beneficiary } = list[i] as Obligation
      if (obligor === beneficiary) continue
      for (let j = 0; j < i; j++) {
        const other = list[j] as Obligation
        if (other.obligor === obligor && other.beneficiary === beneficiary) continue next
      }
      this.xs[count] = intern ? this.org(obligor) : this.orgs.lookup(obligor) ?? -1
      this.ys[count] = intern ? this.org(beneficiary) : this.orgs.lookup(beneficiary) ?? -1
      count++
    }
    return count
  }

  private deal (item: DealEvidence): IngestResult {
    const known = this.ledger.commitment(item.commitment)
    if (known !== undefined) {
      const count = this.obligationsOf(item, false)
      if (count === 0) return SELF_DEAL
      if (this.ledger.sameContent(known, item.at, item.valueClass, this.xs, this.ys, count)) return DUPLICATE
      throw new ReputationError('REPUTATION_EVIDENCE_CONFLICT', 'two deal attestations of one commitment differ', { id: item.id, commitment: item.commitment })
    }
    if (item.obligations.every((o) => o.obligor === o.beneficiary)) return SELF_DEAL
    const count = this.obligationsOf(item, true)
    this.admit(item.at)
    const weight = valueWeight(item.valueClass, this.params.maxValueWeight)
    const c = this.ledger.addCommitment(item.commitment, item.at, item.valueClass, weight, this.xs, this.ys, count, this.orgs.size)
    let parties = 0
    for (let i = 0; i < 2 * count; i++) {
      const party = (i < count ? this.xs[i] : this.ys[i - count]) as number
      let seen = false
      for (let j = 0; j < parties && !seen; j++) seen = this.parties[j] === party
      if (seen) continue
      this.parties[parties++] = party
      this.tally.deals.data[party] = (this.tally.deals.data[party] as number) + 1
      this.tally.touch(party, item.at)
    }
    const waiting = this.pending.get(item.commitment)
    if (waiting !== undefined) {
      this.pending.delete(item.commitment)
      for (const outcome of waiting.values()) if (settle(this, c, outcome) === COUNTED) this.counted++
    }
    return COUNTED
  }

  private park (item: Outcome): IngestResult {
    let waiting = this.pending.get(item.commitment)
    if (waiting === undefined) this.pending.set(item.commitment, waiting = new Map())
    if (waiting.has(item.id)) return DUPLICATE
    waiting.set(item.id, item)
    return PENDING
  }

  private fork (item: ForkEvidence): IngestResult {
    const org = this.org(item.org)
    let forks = this.tally.forks.get(org)
    if (forks === undefined) this.tally.forks.set(org, forks = new Map())
    const current = forks.get(item.seq)
    if (current !== undefined && item.at >= current) return DUPLICATE
    this.admit(item.at)
    forks.set(item.seq, item.at)
    if (current === undefined) {
      this.tally.addFork(org, item.at)
      this.tally.touch(org, item.at)
    } else {
      this.tally.rebuild(org)
    }
    return COUNTED
  }
}
