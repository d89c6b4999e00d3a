import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import fc from 'fast-check'
import { computeScores, DEFAULT_PARAMS, EvidenceStore, PARAM_DOCS, ReputationError, ReputationView, resolveParams, valueWeight, type Evidence, type ReputationParams, type SubjectScore } from '../../src/reputation/index.js'
import { personalizedPageRank } from '../../src/reputation/pagerank.js'
import { graphOf } from '../../src/reputation/view.js'
import { Rng } from '../../scripts/simulation/prng.js'
import { repoRoot } from '../helpers/paths.js'

const DAY = 86_400_000
const T0 = Date.UTC(2025, 0, 1)
const day = (d: number): number => T0 + d * DAY

let serial = 0

/** Builds evidence with readable ids, unique across books. */
class Book {
  readonly items: Evidence[] = []
  private id (prefix: string): string { return `${prefix}${serial++}` }

  /** A commitment where a and b each owe the other. */
  deal (a: string, b: string, at: number, valueClass = 0): string {
    const commitment = this.id('c')
    this.items.push({ kind: 'deal', id: this.id('d'), commitment, obligations: [{ obligor: a, beneficiary: b }, { obligor: b, beneficiary: a }], valueClass, at })
    return commitment
  }

  /** A commitment with one obligation, x owes y. */
  owe (x: string, y: string, at: number, valueClass = 0): string {
    const commitment = this.id('c')
    this.items.push({ kind: 'deal', id: this.id('d'), commitment, obligations: [{ obligor: x, beneficiary: y }], valueClass, at })
    return commitment
  }

  honor (commitment: string, obligor: string, beneficiary: string, at: number): void {
    this.items.push({ kind: 'honored', id: this.id('r'), commitment, obligor, beneficiary, at })
  }

  breach (commitment: string, obligor: string, at: number): void {
    this.items.push({ kind: 'breach', id: this.id('v'), commitment, obligor, arbiters: ['arbiter'], at })
  }

  dispute (commitment: string, claimant: string, respondent: string, at: number): void {
    this.items.push({ kind: 'openDispute', id: this.id('o'), commitment, claimant, respondent, at })
  }

  dismiss (commitment: string, claimant: string, respondent: string, at: number): void {
    this.items.push({ kind: 'dismissed', id: this.id('x'), commitment, claimant, respondent, at })
  }

  fork (org: string, seq: number, at: number): void {
    this.items.push({ kind: 'fork', id: this.id('f'), org, seq, at })
  }

  /** A deal both sides honor a day later. */
  trade (a: string, b: string, at: number, valueClass = 0): string {
    const c = this.deal(a, b, at, valueClass)
    this.honor(c, a, b, at + DAY)
    this.honor(c, b, a, at + DAY)
    return c
  }
}

/** n honest orgs trading with random partners for `days` days, `perDay` deals each. */
function honestNetwork (book: Book, orgs: string[], days: number, perDay = 1, seed = 1, from = 0): void {
  const rng = new Rng(seed, 'test')
  for (let d = from; d < from + days; d++) {
    for (const a of orgs) {
      for (let k = 0; k < perDay; k++) {
        const b = rng.pick(orgs)
        if (b !== a) book.trade(a, b, day(d) + rng.int(DAY / 2), rng.int(3))
      }
    }
  }
}

const names = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`)

function code (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof ReputationError, `expected a ReputationError, got ${String(err)}`)
    return err.code
  }
  assert.fail('expected an error')
}

function closeTo (a: number | null, b: number | null, what: string): void {
  if (a === null || b === null) return assert.equal(a, b, what)
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`)
}

/** Same subjects, counts and standings; every figure within 1e-9. */
function sameScores (a: Map<string, SubjectScore>, b: Map<string, SubjectScore>): void {
  assert.deepEqual([...a.keys()], [...b.keys()])
  for (const [subject, x] of a) {
    const y = b.get(subject) as SubjectScore
    for (const key of ['deals', 'honored', 'breached', 'openDisputes', 'rejectedClaims', 'lastActivity', 'vetted', 'flagged', 'standing'] as const) {
      assert.equal(x[key], y[key], `${subject}.${key}`)
    }
    closeTo(x.score, y.score, `${subject}.score`)
    closeTo(x.confidence, y.confidence, `${subject}.confidence`)
    for (const [key, value] of Object.entries(x.breakdown)) closeTo(value as number | null, (y.breakdown as unknown as Record<string, number | null>)[key] ?? null, `${subject}.breakdown.${key}`)
  }
}

describe('reputation', () => {
  const honest = names('h', 12)
  const params: Partial<ReputationParams> = { pretrusted: ['h00', 'h01'] }

  it('gives a stranger the unvetted prior, 20, and keeps an unvetted org at 20 or below', () => {
    const book = new Book()
    honestNetwork(book, honest, 20)
    const c = book.trade('h02', 'newcomer', day(20))
    book.honor(c, 'newcomer', 'h02', day(21))
    const view = new ReputationView({ observer: 'h03', params })
    for (const item of book.items) view.ingest(item)
    assert.equal(view.score('nobody', day(22))?.score, 20)
    const newcomer = view.score('newcomer', day(22)) as SubjectScore
    assert.equal(newcomer.vetted, false)
    assert.equal(newcomer.score, 20)
    assert.ok(newcomer.breakdown.evidenceScore > 20, 'its evidence alone would say more')
    assert.equal(view.score('h03', day(22)), undefined, 'no org scores itself')
  })

  it('vets honest orgs and scores them high', () => {
    const book = new Book()
    honestNetwork(book, honest, 30)
    const scores = computeScores(book.items, 'h03', params, day(31))
    for (const [subject, s] of scores) {
      assert.ok(s.vetted, `${subject} is vetted`)
      assert.ok(s.score >= 80, `${subject}: ${s.score}`)
    }
  })

  it('is directional: my view of you is mine', () => {
    // Two communities that never trade with each other; x trades only within the first.
    const left = names('l', 8)
    const right = names('r', 8)
    const book = new Book()
    honestNetwork(book, left, 30, 1, 1)
    honestNetwork(book, right, 30, 1, 2)
    for (let d = 0; d < 30; d++) book.trade('x', left[d % left.length] as string, day(d))
    const fromLeft = computeScores(book.items, 'l00', {}, day(31))
    const fromRight = computeScores(book.items, 'r00', {}, day(31))
    assert.ok((fromLeft.get('x') as SubjectScore).score >= 80)
    assert.equal((fromRight.get('x') as SubjectScore).vetted, false)
    assert.ok((fromRight.get('x') as SubjectScore).score <= 20)
    // and A's view of B is not B's view of A
    const book2 = new Book()
    honestNetwork(book2, honest, 30)
    const c = book2.owe('h04', 'h05', day(30), 3)
    book2.breach(c, 'h04', day(33))
    const a = computeScores(book2.items, 'h05', params, day(34)).get('h04') as SubjectScore
    const b = computeScores(book2.items, 'h04', params, day(34)).get('h05') as SubjectScore
    assert.ok(a.score < b.score)
  })

  it('gives a Sybil cluster nothing, however many receipts it signs', () => {
    const book = new Book()
    honestNetwork(book, honest, 40)
    const sybils = names('s', 10)
    for (let d = 0; d < 40; d++) for (const s of sybils) for (const t of sybils) if (s !== t) book.trade(s, t, day(d), 5)
    const view = new ReputationView({ observer: 'h03', params })
    for (const item of book.items) view.ingest(item)
    for (const s of sybils) {
      const score = view.score(s, day(41)) as SubjectScore
      assert.equal(score.score, 20, `${s} stays a stranger`)
      assert.equal(score.breakdown.R, 0)
      assert.equal(view.rankOf(s), 0)
    }
    // One real deal with an honest org lets a little trust in, but vets no one.
    book.trade('s00', 'h05', day(41))
    view.ingest(book.items.at(-3) as Evidence)
    view.ingest(book.items.at(-2) as Evidence)
    view.ingest(book.items.at(-1) as Evidence)
    let mass = 0
    for (const s of sybils) {
      const score = view.score(s, day(43)) as SubjectScore
      assert.equal(score.vetted, false)
      assert.ok(score.score <= 20)
      mass += view.rankOf(s)
    }
    assert.ok(mass > 0 && mass < 0.05, `mass ${mass}`)
  })

  it('decays toward neutral with inactivity, never rising', () => {
    const book = new Book()
    honestNetwork(book, honest, 60)
    const others = honest.filter((h) => h !== 'h06')
    honestNetwork(book, others, 300, 1, 7, 60)
    const view = new ReputationView({ observer: 'h03', params })
    for (const item of book.items) view.ingest(item)
    view.refresh()
    let previous = Number.POSITIVE_INFINITY
    for (let d = 62; d <= 62 + 240; d += 10) {
      const s = view.score('h06', day(d)) as SubjectScore
      assert.ok(s.vetted)
      assert.ok(s.score <= previous, `day ${d}: ${s.score} after ${previous}`)
      previous = s.score
    }
    assert.ok(Math.abs(previous - 50) <= 5, `240 days idle: ${previous}`)
    assert.ok((view.score('h07', day(302)) as SubjectScore).score > 80, 'an active org keeps its score')
  })

  it('lowers the score for good after a breach', () => {
    const base = new Book()
    honestNetwork(base, honest, 60)
    const withBreach = new Book()
    withBreach.items.push(...base.items)
    const c = withBreach.owe('h06', 'h07', day(60), 3)
    withBreach.breach(c, 'h06', day(64))
    for (const book of [base, withBreach]) honestNetwork(book, honest, 600, 1, 9, 65)
    const before = computeScores(base.items, 'h03', params, day(66)).get('h06') as SubjectScore
    const after = computeScores(withBreach.items, 'h03', params, day(66)).get('h06') as SubjectScore
    assert.equal(after.breached, 1)
    assert.ok(after.score < before.score - 2, `${after.score} vs ${before.score}`)
    const years = computeScores(withBreach.items, 'h03', params, day(665)).get('h06') as SubjectScore
    const clean = computeScores(base.items, 'h03', params, day(665)).get('h06') as SubjectScore
    assert.equal(years.breached, 1, 'still shown two years on')
    assert.ok(years.breakdown.mark < 1 && years.score < clean.score, 'still lower two years on')
  })

  it('counts a fork as a breach of the largest value', () => {
    const base = new Book()
    honestNetwork(base, honest, 40)
    const forked = new Book()
    forked.items.push(...base.items)
    forked.fork('h06', 17, day(40))
    const breached = new Book()
    breached.items.push(...base.items)
    const c = breached.owe('h06', 'h07', day(35), 99)
    breached.breach(c, 'h06', day(40))
    const f = computeScores(forked.items, 'h03', params, day(41)).get('h06') as SubjectScore
    const b = computeScores(breached.items, 'h03', params, day(41)).get('h06') as SubjectScore
    assert.equal(f.breached, 1)
    closeTo(f.breakdown.breachWeight, DEFAULT_PARAMS.forkValueWeight, 'fork weight')
    closeTo(f.breakdown.F, b.breakdown.F, 'F')
    closeTo(f.score, b.score, 'score')
    // the same proof gossiped again, or another proof of the same seq, changes nothing
    const again = [...forked.items, ...forked.items.slice(-1), { kind: 'fork' as const, id: 'other-proof', org: 'h06', seq: 17, at: day(40) + 5 }]
    closeTo((computeScores(again, 'h03', params, day(41)).get('h06') as SubjectScore).score, f.score, 'replayed fork')
  })

  it('never counts a replayed receipt or verdict twice', () => {
    const book = new Book()
    honestNetwork(book, honest, 30)
    const c = book.owe('h06', 'h07', day(30), 2)
    book.breach(c, 'h06', day(33))
    const clean = computeScores(book.items, 'h03', params, day(40))
    const replayed: Evidence[] = [...book.items]
    const rng = new Rng(3, 'replay')
    for (let i = 0; i < 500; i++) {
      const item = rng.pick(book.items)
      replayed.push(item)
      if (item.kind === 'honored' || item.kind === 'breach') replayed.push({ ...item, id: `resigned-${i}`, at: item.at + rng.int(DAY) + 1 })
    }
    assert.deepEqual(computeScores(replayed, 'h03', params, day(40)), clean)
    const store = new EvidenceStore()
    assert.equal(store.ingest(book.items[0] as Evidence).status, 'counted')
    assert.equal(store.ingest(book.items[0] as Evidence).status, 'duplicate')
  })

  it('ignores deals with oneself', () => {
    const book = new Book()
    honestNetwork(book, honest, 20)
    const clean = computeScores(book.items, 'h03', params, day(21))
    const store = new EvidenceStore()
    const self: Evidence = { kind: 'deal', id: 'self', commitment: 'self-c', obligations: [{ obligor: 'h06', beneficiary: 'h06' }], valueClass: 9, at: day(5) }
    assert.deepEqual(store.ingest(self), { status: 'ignored', reason: 'self-deal' })
    const receipt: Evidence = { kind: 'honored', id: 'self-r', commitment: 'self-c', obligor: 'h06', beneficiary: 'h06', at: day(6) }
    const padded = [...book.items, self, receipt]
    for (let i = 0; i < 50; i++) padded.push({ kind: 'deal', id: `s${i}`, commitment: `sc${i}`, obligations: [{ obligor: 'h06', beneficiary: 'h06' }], valueClass: 3, at: day(i % 20) })
    assert.deepEqual(computeScores(padded, 'h03', params, day(21)), clean)
  })

  it('counts a rejected claim against the claimant and as honored for the respondent; an open dispute counts little', () => {
    const book = new Book()
    honestNetwork(book, honest, 30)
    const before = computeScores(book.items, 'h03', params, day(31))
    const c = book.owe('h06', 'h07', day(30), 2)
    book.dispute(c, 'h07', 'h06', day(31))
    const open = computeScores(book.items, 'h03', params, day(32))
    const h06 = open.get('h06') as SubjectScore
    assert.equal(h06.openDisputes, 1)
    assert.ok(Math.abs(h06.score - (before.get('h06') as SubjectScore).score) < 2, 'an open dispute moves little')
    book.dismiss(c, 'h07', 'h06', day(33))
    const after = computeScores(book.items, 'h03', params, day(34))
    assert.equal((after.get('h06') as SubjectScore).openDisputes, 0)
    assert.equal((after.get('h06') as SubjectScore).honored, (before.get('h06') as SubjectScore).honored + 1)
    assert.equal((after.get('h07') as SubjectScore).rejectedClaims, 1)
    assert.ok((after.get('h07') as SubjectScore).breakdown.F > (before.get('h07') as SubjectScore).breakdown.F)
  })

  it('counts evidence that arrives before its deal once the deal arrives', () => {
    const book = new Book()
    honestNetwork(book, honest, 20)
    const store = new EvidenceStore()
    const late = book.items.filter((i) => i.kind === 'deal')
    const early = book.items.filter((i) => i.kind !== 'deal')
    for (const item of early.slice(0, 10)) assert.equal(store.ingest(item).status, 'pending')
    const view = new ReputationView({ observer: 'h03', params, store })
    for (const item of [...early.slice(10), ...late]) view.ingest(item)
    assert.equal(store.pendingCount, 0)
    sameScores(view.scores(day(21)), computeScores(book.items, 'h03', params, day(21)))
  })

  it('is deterministic: the same evidence gives the same scores, in id order, whatever the arrival order', () => {
    const book = new Book()
    honestNetwork(book, honest, 30)
    const c = book.owe('h06', 'h07', day(30), 2)
    book.breach(c, 'h06', day(33))
    const a = computeScores(book.items, 'h03', params, day(40))
    assert.deepEqual(computeScores(book.items, 'h03', params, day(40)), a)
    assert.deepEqual([...a.keys()], [...a.keys()].sort())
    const shuffled = new Rng(5, 'shuffle').shuffle([...book.items])
    sameScores(computeScores(shuffled, 'h03', params, day(40)), a)
  })

  it('gives the same scores incrementally as a full recompute (property)', () => {
    const outcome = fc.constantFrom('honored', 'breach', 'dismissed', 'open', 'none', 'honored+breach', 'dismissed+honored')
    const dealSpec = fc.record({ a: fc.nat(8), b: fc.nat(8), valueClass: fc.nat(5), day: fc.nat(120), ab: outcome, ba: outcome })
    const scenario = fc.record({
      orgs: fc.integer({ min: 3, max: 9 }),
      deals: fc.array(dealSpec, { minLength: 1, maxLength: 60 }),
      forks: fc.array(fc.record({ org: fc.nat(6), seq: fc.integer({ min: 1, max: 3 }), day: fc.nat(120) }), { maxLength: 3 }),
      replays: fc.array(fc.record({ index: fc.nat(1000), shift: fc.integer({ min: -3, max: 3 }), resign: fc.boolean() }), { maxLength: 20 }),
      observer: fc.nat(6),
      pretrusted: fc.array(fc.nat(6), { maxLength: 2 }),
      seed: fc.nat(),
      refreshes: fc.array(fc.nat(200), { maxLength: 6 }),
      now: fc.integer({ min: 121, max: 400 })
    })
    fc.assert(fc.property(scenario, (s) => {
      const org = (i: number): string => `o${i % s.orgs}`
      const items: Evidence[] = []
      s.deals.forEach((d, i) => {
        const a = org(d.a)
        const b = org(d.b === d.a ? d.a + 1 : d.b)
        const at = day(d.day)
        const commitment = `c${i}`
        items.push({ kind: 'deal', id: `d${i}`, commitment, obligations: [{ obligor: a, beneficiary: b }, { obligor: b, beneficiary: a }], valueClass: d.valueClass, at })
        for (const [x, y, what] of [[a, b, d.ab], [b, a, d.ba]] as const) {
          const tag = `${i}${x}`
          if (what.includes('honored')) items.push({ kind: 'honored', id: `r${tag}`, commitment, obligor: x, beneficiary: y, at: at + DAY })
          if (what === 'open' || what.startsWith('dismissed') || what.includes('breach')) items.push({ kind: 'openDispute', id: `o${tag}`, commitment, claimant: y, respondent: x, at: at + 2 * DAY })
          if (what.includes('breach')) items.push({ kind: 'breach', id: `v${tag}`, commitment, obligor: x, arbiters: ['arb'], at: at + 4 * DAY })
          if (what.startsWith('dismissed')) items.push({ kind: 'dismissed', id: `x${tag}`, commitment, claimant: y, respondent: x, at: at + 4 * DAY })
        }
      })
      s.forks.forEach((f, i) => items.push({ kind: 'fork', id: `f${i}`, org: org(f.org), seq: f.seq, at: day(f.day) }))
      const base = items.length
      s.replays.forEach((r, i) => {
        const item = items[r.index % base] as Evidence
        // a re-signed record: a new id for the same slot (a deal's content, time included, is its commitment's)
        items.push(r.resign ? { ...item, id: `${item.id}-again${i}`, at: item.kind === 'deal' ? item.at : item.at + r.shift * DAY } as Evidence : item)
      })
      const p: Partial<ReputationParams> = { pretrusted: s.pretrusted.map(org) }
      const observer = org(s.observer)
      const now = day(s.now)
      const full = computeScores(items, observer, p, now)
      const order = new Rng(s.seed, 'order').shuffle([...items])
      const view = new ReputationView({ observer, params: p, refresh: 'manual' })
      order.forEach((item, i) => {
        view.ingest(item)
        if (s.refreshes.includes(i)) {
          view.refresh()
          view.score(org(i), now)
        }
      })
      view.refresh()
      sameScores(view.scores(now), full)
      sameScores(view.recomputeAll(now), full)
    }), { numRuns: Number(process.env.REPUTATION_RUNS ?? 150) })
  })

  it('keeps scores when PageRank is extrapolated, warm or cold', () => {
    const book = new Book()
    honestNetwork(book, honest, 30)
    const sybils = names('s', 6)
    for (let d = 0; d < 30; d++) for (const s of sybils) book.trade(s, sybils[(sybils.indexOf(s) + 1) % sybils.length] as string, day(d), 4)
    book.trade('s00', 'h05', day(10))
    const view = new ReputationView({ observer: 'h03', params })
    for (const item of book.items) view.ingest(item)
    const g = graphOf(view.store)
    const restart = { index: Int32Array.from([view.store.orgs.lookup('h03') as number]), weight: Float64Array.from([1]) }
    const exact = personalizedPageRank(g, restart, { restart: 0.2, tolerance: 1e-16, maxIterations: 5000, extrapolation: false })
    const fast = personalizedPageRank(g, restart, { restart: 0.2, tolerance: 1e-13, maxIterations: 1000 })
    assert.ok(fast.converged && fast.iterations < exact.iterations)
    let l1 = 0
    for (let i = 0; i < g.size; i++) l1 += Math.abs((fast.rank[i] as number) - (exact.rank[i] as number))
    assert.ok(l1 <= 1e-12, `L1 ${l1}`)
  })

  it('refuses malformed evidence, conflicting deals and bad parameters with codes', () => {
    const store = new EvidenceStore()
    assert.equal(code(() => store.ingest({ kind: 'deal', id: '', commitment: 'c', obligations: [{ obligor: 'a', beneficiary: 'b' }], valueClass: 0, at: 1 })), 'REPUTATION_EVIDENCE_INVALID')
    assert.equal(code(() => store.ingest({ kind: 'deal', id: 'd', commitment: 'c', obligations: [{ obligor: 'a', beneficiary: 'b' }], valueClass: 1.5, at: 1 })), 'REPUTATION_EVIDENCE_INVALID')
    assert.equal(code(() => store.ingest({ kind: 'deal', id: 'd', commitment: 'c', obligations: [], valueClass: 0, at: 1 })), 'REPUTATION_EVIDENCE_INVALID')
    assert.equal(code(() => store.ingest({ kind: 'breach', id: 'v', commitment: 'c', obligor: 'a', arbiters: [], at: 1 })), 'REPUTATION_EVIDENCE_INVALID')
    assert.equal(code(() => store.ingest({ kind: 'fork', id: 'f', org: 'a', seq: 0, at: 1 })), 'REPUTATION_EVIDENCE_INVALID')
    assert.equal(code(() => store.ingest({ kind: 'vote', id: 'v' } as unknown as Evidence)), 'REPUTATION_EVIDENCE_INVALID')
    assert.equal(store.ingest({ kind: 'deal', id: 'd', commitment: 'c', obligations: [{ obligor: 'a', beneficiary: 'b' }], valueClass: 0, at: 1 }).status, 'counted')
    assert.equal(code(() => store.ingest({ kind: 'deal', id: 'd2', commitment: 'c', obligations: [{ obligor: 'a', beneficiary: 'b' }], valueClass: 2, at: 1 })), 'REPUTATION_EVIDENCE_CONFLICT')
    assert.equal(store.ingest({ kind: 'honored', id: 'r', commitment: 'c', obligor: 'b', beneficiary: 'a', at: 2 }).status, 'ignored')
    assert.equal(code(() => resolveParams({ restart: 1 })), 'REPUTATION_PARAMS_INVALID')
    assert.equal(code(() => resolveParams({ unvettedCap: 101 })), 'REPUTATION_PARAMS_INVALID')
    assert.equal(code(() => new ReputationView({ observer: 'a', store, params: { honoredHalfLifeDays: 30 } })), 'REPUTATION_STORE_MISMATCH')
  })

  it('weighs a deal by its value class: 1 for class 0, at most 4', () => {
    assert.equal(valueWeight(0, 4), 1)
    assert.ok(Math.abs(valueWeight(1, 4) - Math.log2(3)) < 1e-15)
    assert.equal(valueWeight(60, 4), 4)
    assert.equal(valueWeight(5000, 4), 4)
  })

  it('documents every parameter with its default in protocols/reputation.md', async () => {
    const spec = await readFile(join(repoRoot, 'protocols/reputation.md'), 'utf8')
    for (const { name, value } of PARAM_DOCS) {
      const shown = Array.isArray(value) ? '[]' : String(value)
      assert.match(spec, new RegExp(`\\| \`${name}\` \\| \`${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\` \\|`), `${name} = ${shown}`)
    }
  })
})
