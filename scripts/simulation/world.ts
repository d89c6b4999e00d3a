// The synthetic network: orgs propose deals to partners chosen by their own reputation view, honor
// or break their obligations, sign receipts, open disputes and get verdicts; every record becomes
// evidence for the real reputation code. One simulated day is one gossip round: what is signed on a
// day reaches every node's store at its end, and every view is refreshed before the next day.
import { EvidenceStore, ReputationView, type Evidence, type ReputationParams, type SubjectScore } from '../../src/reputation/index.js'
import { Rng } from './prng.js'
import type { SimOptions } from './options.js'

export const DAY = 86_400_000
export const T0 = Date.UTC(2025, 0, 1)
const GRACE_DAYS = 1
const ARBITRATION_DAYS = 2

export type Role = 'honest' | 'malicious' | 'sybil'

/** How an org picks the partners of its own proposals. */
export type Choice = 'reputation' | 'random' | 'victim' | 'none'

export interface Org {
  readonly id: string
  readonly role: Role
  readonly pretrusted: boolean
  /** Probability that it honors an obligation owed to `to`. */
  honorTo: (to: Org) => number
  choice: Choice
  /** Whether it accepts proposals at all. */
  active: boolean
  /** Whether it checks a proposer's score against acceptMin before accepting. */
  screens: boolean
  /** For a slanderer: whether it withholds the receipt of what `from` delivered and disputes it. */
  slanders?: (from: Org) => boolean
  view?: ReputationView
  shadowView?: ReputationView
}

export type Channel = 'both' | 'actual' | 'shadow'

export interface CommitOptions {
  /** Force the outcome of a's and b's obligations instead of drawing it. */
  readonly aHonors?: boolean
  readonly bHonors?: boolean
  /** Where the value class and due day are drawn from (the world's own stream by default). */
  readonly rng?: Rng
}

export class World {
  readonly rng: Rng
  private readonly market: Rng
  private readonly outcomes: Rng
  private readonly values: Rng
  readonly orgs: Org[] = []
  readonly store: EvidenceStore
  /** A counterfactual store, fed by 'both' and 'shadow' emissions, when a scenario asks for one. */
  shadow: EvidenceStore | undefined
  readonly params: Partial<ReputationParams>
  day = 0
  private counter = 0
  private readonly events = new Map<number, Array<() => void>>()
  private today: Evidence[] = []
  private todayShadow: Evidence[] = []
  /** Whether every view is refreshed at the end of each day (false: the scenario calls refreshViews). */
  refreshDaily = true
  /** Obligations owed to honest orgs, and how many of them malicious orgs broke. */
  readonly stats = { owedToHonest: 0, brokenByMaliciousToHonest: 0, honestDeals: 0, honestDealsWithMalicious: 0 }

  constructor (readonly options: SimOptions, label: string, params: Partial<ReputationParams> = {}) {
    this.rng = new Rng(options.seed, label)
    this.market = this.rng.stream('market')
    this.outcomes = this.rng.stream('outcomes')
    this.values = this.rng.stream('values')
    this.params = params
    this.store = new EvidenceStore(params)
  }

  get honest (): Org[] {
    return this.orgs.filter((o) => o.role === 'honest')
  }

  /** Start of the current day, when proposals are made and partners scored. */
  now (): number {
    return T0 + this.day * DAY
  }

  addOrg (id: string, role: Role, pretrusted = false): Org {
    const org: Org = { id, role, pretrusted, honorTo: () => this.options.honestRate, choice: role === 'honest' ? 'reputation' : 'victim', active: true, screens: role === 'honest' }
    this.orgs.push(org)
    return org
  }

  /** Gives every honest org its own view (all share the store); call once the orgs exist. */
  openViews (): void {
    const pretrusted = this.orgs.filter((o) => o.pretrusted).map((o) => o.id)
    for (const org of this.honest) {
      org.view = new ReputationView({ observer: org.id, store: this.store, params: { ...this.params, pretrusted }, refresh: 'manual' })
    }
  }

  enableShadow (): void {
    this.shadow = new EvidenceStore(this.params)
  }

  /** The counterfactual view of an honest org, made on first use and refreshed on every call. */
  shadowViewOf (org: Org): ReputationView {
    if (this.shadow === undefined) throw new Error('no shadow store')
    if (org.shadowView === undefined) {
      const pretrusted = this.orgs.filter((o) => o.pretrusted).map((o) => o.id)
      org.shadowView = new ReputationView({ observer: org.id, store: this.shadow, params: { ...this.params, pretrusted }, refresh: 'manual' })
    }
    org.shadowView.refresh()
    return org.shadowView
  }

  nextId (prefix: string): string {
    return `${prefix}${(this.counter++).toString(36)}`
  }

  /** A timestamp inside the current day, strictly increasing. */
  stamp (day = this.day): number {
    return T0 + day * DAY + 1 + (this.counter++ % (DAY - 2))
  }

  /** Called with every emitted item (e.g. to keep records a replayer re-sends). */
  listener: ((item: Evidence, channel: Channel) => void) | undefined

  emit (item: Evidence, channel: Channel = 'both'): void {
    this.listener?.(item, channel)
    if (channel !== 'shadow') this.today.push(item)
    if (channel !== 'actual' && this.shadow !== undefined) this.todayShadow.push(item)
  }

  at (day: number, fn: () => void): void {
    let list = this.events.get(day)
    if (list === undefined) this.events.set(day, list = [])
    list.push(fn)
  }

  score (observer: Org, subject: Org, now = this.now()): SubjectScore {
    const view = observer.view
    if (view === undefined) throw new Error(`${observer.id} has no view`)
    const s = view.score(subject.id, now)
    if (s === undefined) throw new Error('an org does not score itself')
    return s
  }

  /** A commitment between a and b: each owes the other one obligation, due in 1 to 3 days. */
  commit (a: Org, b: Org, options: CommitOptions = {}): void {
    const commitment = this.nextId('c')
    const values = options.rng ?? this.values
    const valueClass = values.int(4)
    const due = this.day + 1 + values.int(3)
    this.emit({ kind: 'deal', id: this.nextId('d'), commitment, obligations: [{ obligor: a.id, beneficiary: b.id }, { obligor: b.id, beneficiary: a.id }], valueClass, at: this.stamp() })
    if (a.role === 'honest' || b.role === 'honest') {
      this.stats.honestDeals++
      if (a.role === 'malicious' || b.role === 'malicious') this.stats.honestDealsWithMalicious++
    }
    this.settle(commitment, a, b, due, options.aHonors)
    this.settle(commitment, b, a, due, options.bHonors)
  }

  private settle (commitment: string, x: Org, y: Org, due: number, forced: boolean | undefined): void {
    const honors = forced ?? this.outcomes.chance(x.honorTo(y))
    if (y.role === 'honest') {
      this.stats.owedToHonest++
      if (!honors && x.role === 'malicious') this.stats.brokenByMaliciousToHonest++
    }
    const receipt = (day: number): Evidence => ({ kind: 'honored', id: this.nextId('r'), commitment, obligor: x.id, beneficiary: y.id, at: this.stamp(day) })
    const dispute = (day: number): Evidence => ({ kind: 'openDispute', id: this.nextId('o'), commitment, claimant: y.id, respondent: x.id, at: this.stamp(day) })
    if (honors && y.slanders?.(x) === true) {
      this.at(due, () => this.emit(receipt(due), 'shadow'))
      this.at(due + GRACE_DAYS, () => this.emit(dispute(due + GRACE_DAYS), 'actual'))
      const verdict = due + GRACE_DAYS + ARBITRATION_DAYS
      this.at(verdict, () => this.emit({ kind: 'dismissed', id: this.nextId('v'), commitment, claimant: y.id, respondent: x.id, at: this.stamp(verdict) }, 'actual'))
      return
    }
    if (honors) {
      this.at(due, () => this.emit(receipt(due)))
      return
    }
    this.at(due + GRACE_DAYS, () => this.emit(dispute(due + GRACE_DAYS)))
    const verdict = due + GRACE_DAYS + ARBITRATION_DAYS
    this.at(verdict, () => this.emit({ kind: 'breach', id: this.nextId('v'), commitment, obligor: x.id, arbiters: this.arbiters(), at: this.stamp(verdict) }))
  }

  private arbiters (): string[] {
    const pool = this.orgs.filter((o) => o.pretrusted)
    return (pool.length > 0 ? pool : this.honest).slice(0, 3).map((o) => o.id)
  }

  /** `proposer` proposes a deal to `responder`; true if it was accepted and committed. */
  propose (proposer: Org, responder: Org): boolean {
    if (proposer === responder || !this.accepts(responder, proposer)) return false
    this.commit(proposer, responder)
    return true
  }

  /** Whether `responder` takes a proposal from `proposer`. */
  private accepts (responder: Org, proposer: Org): boolean {
    if (!responder.active) return false
    if (!responder.screens) return true
    return this.acceptable(this.score(responder, proposer))
  }

  /** An honest org's policy: a score of at least acceptMin, and not flagged for its breaches. */
  private acceptable (s: SubjectScore): boolean {
    return s.score >= this.options.acceptMin && !s.flagged
  }

  private partner (org: Org, pool: Org[]): Org | undefined {
    switch (org.choice) {
      case 'none': return undefined
      case 'random': return this.sample(pool, org, 1)[0]
      case 'victim': return this.sample(pool.filter((o) => o.role === 'honest'), org, 1)[0]
      case 'reputation': {
        let best: Org | undefined
        let bestScore = -1
        for (const candidate of this.sample(pool, org, this.options.candidates)) {
          const s = this.score(org, candidate)
          if (this.acceptable(s) && s.score > bestScore) {
            best = candidate
            bestScore = s.score
          }
        }
        return best
      }
    }
  }

  /** Up to k distinct members of pool other than `org`. */
  private sample (pool: Org[], org: Org, k: number): Org[] {
    const out: Org[] = []
    for (let tries = 0; out.length < k && tries < 4 * k + 8; tries++) {
      const o = pool[this.market.int(pool.length)]
      if (o !== undefined && o !== org && o.active && !out.includes(o)) out.push(o)
    }
    return out
  }

  /** Orgs that take part in the open market (everyone but Sybils, who only deal as a scenario says). */
  private marketPool (): Org[] {
    return this.orgs.filter((o) => o.role !== 'sybil' && o.active)
  }

  /** Runs `days` days; `hooks` act before proposals and measure after the gossip round. */
  run (days: number, hooks: { before?: (day: number) => void, after?: (day: number) => void, progress?: (day: number) => void } = {}): void {
    for (this.day = 0; this.day < days; this.day++) {
      const day = this.day
      hooks.before?.(day)
      const pool = this.marketPool()
      const proposers = this.market.shuffle(pool.filter((o) => o.choice !== 'none'))
      for (const org of proposers) {
        for (let n = this.market.count(this.options.dealRate); n > 0; n--) {
          const partner = this.partner(org, pool)
          if (partner !== undefined) this.propose(org, partner)
        }
      }
      for (const fn of this.events.get(day) ?? []) fn()
      this.events.delete(day)
      this.gossip()
      hooks.after?.(day)
      hooks.progress?.(day)
    }
  }

  /** The end of a day: everything signed today reaches every store; every view refreshes. */
  private gossip (): void {
    for (const item of this.today) this.store.ingest(item)
    this.today = []
    if (this.shadow !== undefined) {
      for (const item of this.todayShadow) this.shadow.ingest(item)
      this.todayShadow = []
    }
    if (this.refreshDaily) this.refreshViews()
  }

  refreshViews (): void {
    for (const org of this.orgs) org.view?.refresh()
  }
}
