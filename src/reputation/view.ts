// One observer's view of the network: its witness trust (personalized PageRank over the shared
// store's graph) and the scores it gives. Ingesting is cheap; PageRank is recomputed lazily, from
// the previous vector (warm start), and scores are recomputed only for subjects whose evidence,
// the trust vector or the time changed.
import { ReputationError } from './errors.js'
import type { Evidence, IngestResult } from './evidence.js'
import { buildGraph, type Graph } from './graph.js'
import { personalizedPageRank, type RankResult, type Restart } from './pagerank.js'
import { compareIds, resolveParams, type ReputationParams } from './params.js'
import { scoreSubject, strangerScore, type SubjectScore } from './score.js'
import { EvidenceStore, type StoreParams } from './store.js'
import { witnessTrust } from './trust.js'

export interface ViewInit {
  readonly observer: string
  readonly params?: Partial<ReputationParams>
  /** A store shared with other views; a new one when absent. */
  readonly store?: EvidenceStore
  /** 'auto' (default): reads refresh PageRank when the graph changed. 'manual': only refresh() does. */
  readonly refresh?: 'auto' | 'manual'
}

export interface RefreshStats {
  readonly iterations: number
  readonly residual: number
  readonly converged: boolean
  readonly warm: boolean
  readonly effectiveOrgs: number
}

/** One graph per store version, shared by every view of the store. */
const graphs = new WeakMap<EvidenceStore, { version: number, size: number, graph: Graph }>()

export function graphOf (store: EvidenceStore): Graph {
  const size = store.orgs.size
  const cached = graphs.get(store)
  if (cached !== undefined && cached.version === store.tally.graphVersion && cached.size === size) return cached.graph
  const graph = buildGraph(store.tally, size)
  graphs.set(store, { version: store.tally.graphVersion, size, graph })
  return graph
}

export class ReputationView {
  readonly observer: string
  readonly params: ReputationParams
  readonly store: EvidenceStore
  private readonly mode: 'auto' | 'manual'
  private readonly observerIndex: number
  private readonly anchors: number[]
  private rank: Float64Array = new Float64Array(0)
  private trust: Float64Array = new Float64Array(0)
  private effectiveOrgs = 0
  private rankedVersion = -1
  private stamp = 0
  // the last score computed per org index, with what it was computed from
  private cached: Array<SubjectScore | undefined> = []
  private cachedNow = new Float64Array(0)
  private cachedStamp = new Int32Array(0)
  private cachedVersion = new Int32Array(0)
  lastRefresh: RefreshStats | undefined

  constructor (init: ViewInit) {
    this.params = resolveParams(init.params)
    this.observer = init.observer
    this.mode = init.refresh ?? 'auto'
    this.store = init.store ?? new EvidenceStore(this.params)
    const own = this.store.params
    for (const key of Object.keys(own) as Array<keyof StoreParams>) {
      if (own[key] !== this.params[key]) throw new ReputationError('REPUTATION_STORE_MISMATCH', `the shared store was made with ${key} = ${own[key]}`, { key })
    }
    // The observer and the pre-trusted orgs are nodes of the graph even before any evidence names them.
    this.observerIndex = this.store.orgs.intern(this.observer)
    this.anchors = this.params.pretrusted.map((id) => this.store.orgs.intern(id))
    this.store.tally.ensureOrgs(this.store.orgs.size)
  }

  ingest (item: Evidence): IngestResult {
    return this.store.ingest(item)
  }

  /** The restart distribution p_o: observerShare on the observer, the rest spread over the pre-trusted. */
  private restartDistribution (): Restart {
    const others = this.anchors.filter((i) => i !== this.observerIndex)
    const own = others.length === 0 ? 1 : this.params.observerShare
    const index = Int32Array.from([this.observerIndex, ...others])
    const weight = Float64Array.from([own, ...others.map(() => (1 - own) / others.length)])
    return { index, weight }
  }

  private get stale (): boolean {
    return this.rankedVersion !== this.store.tally.graphVersion || this.rank.length !== this.store.orgs.size
  }

  /** Recomputes PageRank if the graph changed, starting from the previous vector unless `cold`. */
  refresh (cold = false): RefreshStats {
    if (!cold && !this.stale && this.lastRefresh !== undefined) return this.lastRefresh
    const start = cold ? undefined : this.warmStart()
    const result = personalizedPageRank(graphOf(this.store), this.restartDistribution(), {
      restart: this.params.restart,
      tolerance: this.params.pageRankTolerance,
      maxIterations: this.params.pageRankMaxIterations,
      start
    })
    return this.adopt(result, start !== undefined)
  }

  /** The vector a warm refresh starts from, if any. */
  private warmStart (): Float64Array | undefined {
    return this.rank.length > 0 ? this.rank : undefined
  }

  private adopt (result: RankResult, warm: boolean): RefreshStats {
    const t = witnessTrust(result.rank, this.observerIndex, this.params.trustScale, this.params.pageRankTolerance / this.params.restart)
    this.rank = result.rank
    this.trust = t.trust
    this.effectiveOrgs = t.effectiveOrgs
    this.rankedVersion = this.store.tally.graphVersion
    this.stamp++
    this.lastRefresh = { iterations: result.iterations, residual: result.residual, converged: result.converged, warm, effectiveOrgs: t.effectiveOrgs }
    return this.lastRefresh
  }

  private ready (): void {
    if (this.lastRefresh === undefined || (this.mode === 'auto' && this.stale)) this.refresh()
    if (this.rank.length < this.store.orgs.size) {
      // manual mode and new orgs since the last refresh: they hold no trust yet
      const grow = (a: Float64Array): Float64Array => { const b = new Float64Array(this.store.orgs.size); b.set(a); return b }
      this.rank = grow(this.rank)
      this.trust = grow(this.trust)
    }
  }

  /** The score this observer gives `subject` at `now`; undefined for the observer itself. */
  score (subject: string, now: number): SubjectScore | undefined {
    if (subject === this.observer) return undefined
    const s = this.store.orgs.lookup(subject)
    if (s === undefined) return strangerScore(subject, this.params, now)
    this.ready()
    return this.scoreOf(s, now)
  }

  private scoreOf (s: number, now: number): SubjectScore {
    const version = this.store.tally.version.data[s] as number
    if (s >= this.cachedNow.length) this.growCache(this.store.orgs.size)
    const hit = this.cached[s]
    if (hit !== undefined && this.cachedNow[s] === now && this.cachedStamp[s] === this.stamp && this.cachedVersion[s] === version) return hit
    const score = scoreSubject(this.store, this.params, { trust: this.trust, rank: this.rank }, s, now)
    this.cached[s] = score
    this.cachedNow[s] = now
    this.cachedStamp[s] = this.stamp
    this.cachedVersion[s] = version
    return score
  }

  private growCache (size: number): void {
    const n = Math.max(size, 2 * this.cachedNow.length)
    const now = new Float64Array(n)
    now.set(this.cachedNow)
    const stamp = new Int32Array(n)
    stamp.set(this.cachedStamp)
    const version = new Int32Array(n)
    version.set(this.cachedVersion)
    this.cachedNow = now
    this.cachedStamp = stamp
    this.cachedVersion = version
  }

  /** Every subject with evidence, in id order. */
  scores (now: number): Map<string, SubjectScore> {
    this.ready()
    const out = new Map<string, SubjectScore>()
    for (const s of this.subjects()) out.set(this.store.orgs.id(s), this.scoreOf(s, now))
    return out
  }

  /** A cold PageRank and every score from scratch: the same as computeScores over the same evidence. */
  recomputeAll (now: number): Map<string, SubjectScore> {
    this.cached = []
    this.refresh(true)
    return this.scores(now)
  }

  private subjects (): number[] {
    const { orgs, tally } = this.store
    const out: number[] = []
    for (let s = 0; s < orgs.size; s++) {
      if (s !== this.observerIndex && (tally.lastActivity.data[s] as number) !== Number.NEGATIVE_INFINITY) out.push(s)
    }
    return out.sort((a, b) => compareIds(orgs.id(a), orgs.id(b)))
  }

  /** pi_o(org), the observer's PageRank mass on `org` (0 if unknown). */
  rankOf (org: string): number {
    const i = this.store.orgs.lookup(org)
    if (i === undefined) return 0
    this.ready()
    return this.rank[i] ?? 0
  }

  /** tau_o(org), how much the observer believes `org` as a witness. */
  trustOf (org: string): number {
    const i = this.store.orgs.lookup(org)
    if (i === undefined) return 0
    this.ready()
    return this.trust[i] ?? 0
  }

  get effectiveOrgCount (): number {
    this.ready()
    return this.effectiveOrgs
  }
}
