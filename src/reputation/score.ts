// The score one observer gives one subject, from the store's sums and the observer's witness trust.
//   R = sum_w tau(w) * min(witnessCap, decayed honored weight witnessed by w)
//   F = decayed (breaches + forks + dismissedWeight * rejected claims + openDisputeWeight * tau(claimant) * open disputes)
//   both decayed to t* = min(now, the subject's last counted event), not to now
//   H = sum_w tau(w) * min(lifetimeWitnessCap, lifetime honored weight witnessed by w)
//   M = (H + m0) / (H + m0 + kappa * Bw)                 permanent: lifetime sums never decay
//   S_ev = (M * R + a0) / (R + F + a0 + b0)
//   S = n + (S_ev - n) * 2^(-idle / idleHalfLife) when S_ev > n (n = a0 / (a0 + b0)), else S_ev
//   score = 100 * min(S, vetted ? 1 : unvettedCap / 100)
import { DAY_MS, type ReputationParams } from './params.js'
import type { EvidenceStore } from './store.js'

export type Standing = 'unvetted' | 'vetted' | 'flagged'

export interface ScoreBreakdown {
  /** Trust-weighted, decayed honored evidence. */
  readonly R: number
  /** Decayed failures (breaches, forks, rejected claims, open disputes). */
  readonly F: number
  /** Breaches and forks, for ever. */
  readonly B: number
  /** Their lifetime value weight Bw. */
  readonly breachWeight: number
  /** Trust-weighted lifetime honored evidence H. */
  readonly lifetimeHonored: number
  /** The permanent mark M in (0, 1]. */
  readonly mark: number
  readonly a0: number
  readonly b0: number
  /** 100 * S_ev, before the idle pull and the cap. */
  readonly evidenceScore: number
  /** max over witnesses of min(1, tau / vettingMinTrust) * 2^(-age of its latest receipt / idleHalfLife): 1 right after a trusted receipt, 0 with none. */
  readonly idleFactor: number
  /** t*: the time the evidence is weighed at, min(now, the subject's last counted event). */
  readonly weighedAt: number
  readonly lastTrustedActivity: number | null
  /** Mean trust of the witnesses of the subject's honored evidence, weighted by that evidence. */
  readonly witnessTrust: number
  /** Witnesses with tau >= vettingMinTrust, and the honored deals they witnessed. */
  readonly trustedWitnesses: number
  readonly trustedHonored: number
  /** sum of tau * min(vettingWitnessCap, honored) over those witnesses: vetting needs vettingMinHonored. */
  readonly testimony: number
  /** The observer's trust in the subject as a witness, tau_o(s), and its PageRank mass pi_o(s). */
  readonly trust: number
  readonly rank: number
}

export interface SubjectScore {
  readonly subject: string
  /** 0 to 100. */
  readonly score: number
  readonly standing: Standing
  readonly vetted: boolean
  readonly flagged: boolean
  readonly deals: number
  readonly honored: number
  readonly breached: number
  readonly openDisputes: number
  readonly rejectedClaims: number
  readonly lastActivity: number | null
  /** Share of the score that rests on evidence rather than the prior, 0 to 1. */
  readonly confidence: number
  readonly breakdown: ScoreBreakdown
}

export interface Trust {
  readonly trust: Float64Array
  readonly rank: Float64Array
}

/** Per pair in the scratch buffer: witness trust, scaled weight, lifetime weight, count, latest receipt. */
const PAIR_FIELDS = 5
let scratch: Float64Array = new Float64Array(PAIR_FIELDS * 1024)

function grow (buffer: Float64Array): Float64Array {
  const bigger = new Float64Array(buffer.length * 2)
  bigger.set(buffer)
  return bigger
}

/** The score of org index `s` (present in the store). */
export function scoreSubject (store: EvidenceStore, params: ReputationParams, t: Trust, s: number, now: number): SubjectScore {
  const { tally, decay } = store
  const trust = t.trust
  // One pass gathers the subject's pairs (scattered in the store) into a scratch buffer; the
  // sums below read it sequentially.
  const pNext = tally.pNext.data
  const pCount = tally.pCount.data
  const pWitness = tally.pWitness.data
  const pWeight = tally.pWeight.data
  const pLifetime = tally.pLifetime.data
  const pLast = tally.pLast.data
  let buffer = scratch
  let pairs = 0
  for (let p = tally.pairHead.data[s] as number; p !== -1; p = pNext[p] as number) {
    const count = pCount[p] as number
    if (count === 0) continue
    const base = PAIR_FIELDS * pairs++
    if (base + PAIR_FIELDS > buffer.length) scratch = buffer = grow(buffer)
    buffer[base] = trust[pWitness[p] as number] ?? 0
    buffer[base + 1] = pWeight[p] as number
    buffer[base + 2] = pLifetime[p] as number
    buffer[base + 3] = count
    buffer[base + 4] = pLast[p] as number
  }
  // The idle factor is the freshest trusted receipt's 2^(-age / idleHalfLife), a witness below
  // vettingMinTrust counting in proportion to its trust (so it moves smoothly as trust moves).
  const idleMs = params.idleHalfLifeDays * DAY_MS
  const minTrust = params.vettingMinTrust
  const witnessCap = params.witnessCap
  const lifetimeCap = params.lifetimeWitnessCap
  const vettingCap = params.vettingWitnessCap
  let lastCounted = tally.lastFailure.data[s] as number
  let lastTrusted = Number.NEGATIVE_INFINITY
  for (let i = 0; i < pairs; i++) {
    const tau = buffer[PAIR_FIELDS * i] as number
    if (tau <= 0) continue
    const last = buffer[PAIR_FIELDS * i + 4] as number
    if (last > lastCounted) lastCounted = last
    if (tau >= minTrust && last > lastTrusted) lastTrusted = last
  }
  let idleFactor = lastTrusted === Number.NEGATIVE_INFINITY ? 0 : 2 ** (-Math.max(0, now - lastTrusted) / idleMs)
  for (let i = 0; i < pairs; i++) {
    // a less trusted witness matters only if its receipt is later and its weight could beat the best
    const tau = buffer[PAIR_FIELDS * i] as number
    const last = buffer[PAIR_FIELDS * i + 4] as number
    if (tau <= 0 || tau >= minTrust || last <= lastTrusted || tau / minTrust <= idleFactor) continue
    idleFactor = Math.max(idleFactor, tau / minTrust * 2 ** (-Math.max(0, now - last) / idleMs))
  }
  // The evidence is weighed as of the subject's last counted event (t*), so that while it is idle
  // the balance of what is known stays as it was and only the idle pull moves the score.
  const at = lastCounted === Number.NEGATIVE_INFINITY ? now : Math.min(now, lastCounted)
  const honoredThen = decay.honoredAt(at)
  let R = 0
  let H = 0
  let evidence = 0
  let trustedEvidence = 0
  let trustedWitnesses = 0
  let trustedHonored = 0
  let testimony = 0
  for (let i = 0; i < pairs; i++) {
    const base = PAIR_FIELDS * i
    const tau = buffer[base] as number
    const recent = (buffer[base + 1] as number) * honoredThen
    evidence += recent
    if (tau <= 0) continue
    trustedEvidence += tau * recent
    R += tau * Math.min(witnessCap, recent)
    H += tau * Math.min(lifetimeCap, buffer[base + 2] as number)
    if (tau >= minTrust) {
      const count = buffer[base + 3] as number
      trustedWitnesses++
      trustedHonored += count
      testimony += tau * Math.min(vettingCap, count)
    }
  }
  const open = openDisputes(store, params, trust, s, at)
  const F = ((tally.failScaled.data[s] as number) + params.dismissedWeight * (tally.dismissedScaled.data[s] as number)) * decay.failedAt(at) + params.openDisputeWeight * open
  const Bw = tally.breachWeight.data[s] as number
  const B = tally.breaches.data[s] as number
  const flagged = Bw > 0 && params.breachWeight * Bw >= H + params.markPrior
  const vetted = !flagged && testimony >= params.vettingMinHonored && trustedWitnesses >= params.vettingMinWitnesses
  const M = (H + params.markPrior) / (H + params.markPrior + params.breachWeight * Bw)
  const a0 = vetted ? params.vettedA0 : params.unvettedA0
  const b0 = vetted ? params.vettedB0 : params.unvettedB0
  const evidenceScore = (M * R + a0) / (R + F + a0 + b0)
  const neutral = a0 / (a0 + b0)
  const pulled = evidenceScore > neutral ? neutral + (evidenceScore - neutral) * idleFactor : evidenceScore
  const score = 100 * Math.min(pulled, vetted ? 1 : params.unvettedCap / 100)
  const weighed = R * idleFactor + F
  const last = tally.lastActivity.data[s] as number
  return {
    subject: store.orgs.id(s),
    score,
    standing: flagged ? 'flagged' : vetted ? 'vetted' : 'unvetted',
    vetted,
    flagged,
    deals: tally.deals.data[s] as number,
    honored: tally.honored.data[s] as number,
    breached: B,
    openDisputes: tally.open.get(s)?.size ?? 0,
    rejectedClaims: tally.rejectedClaims.data[s] as number,
    lastActivity: last === Number.NEGATIVE_INFINITY ? null : last,
    confidence: weighed / (weighed + a0 + b0),
    breakdown: {
      R,
      F,
      B,
      breachWeight: Bw,
      lifetimeHonored: H,
      mark: M,
      a0,
      b0,
      evidenceScore: 100 * evidenceScore,
      idleFactor,
      weighedAt: at,
      lastTrustedActivity: lastTrusted === Number.NEGATIVE_INFINITY ? null : lastTrusted,
      witnessTrust: evidence > 0 ? trustedEvidence / evidence : 0,
      trustedWitnesses,
      trustedHonored,
      testimony,
      trust: trust[s] ?? 0,
      rank: t.rank[s] ?? 0
    }
  }
}

/** Sum over claimants of tau(claimant) * min(openDisputeCap, their open disputes' decayed weight) against s. */
function openDisputes (store: EvidenceStore, params: ReputationParams, trust: Float64Array, s: number, at: number): number {
  const { tally, ledger, decay } = store
  const set = tally.open.get(s)
  if (set === undefined) return 0
  const byClaimant = new Map<number, number>()
  for (const o of set) {
    const claimant = ledger.oBeneficiary.data[o] as number
    const weight = ledger.cWeight.data[ledger.oCommit.data[o] as number] as number
    const age = Math.max(0, at - ledger.at('dispute', o))
    byClaimant.set(claimant, (byClaimant.get(claimant) ?? 0) + weight * 2 ** (-age / decay.failedMs))
  }
  let open = 0
  for (const [claimant, weight] of byClaimant) open += (trust[claimant] ?? 0) * Math.min(params.openDisputeCap, weight)
  return open
}

/** The score of an org nobody has evidence about: the unvetted prior. */
export function strangerScore (subject: string, params: ReputationParams, now: number): SubjectScore {
  const a0 = params.unvettedA0
  const b0 = params.unvettedB0
  const s = a0 / (a0 + b0)
  return {
    subject,
    score: 100 * Math.min(s, params.unvettedCap / 100),
    standing: 'unvetted',
    vetted: false,
    flagged: false,
    deals: 0,
    honored: 0,
    breached: 0,
    openDisputes: 0,
    rejectedClaims: 0,
    lastActivity: null,
    confidence: 0,
    breakdown: {
      R: 0, F: 0, B: 0, breachWeight: 0, lifetimeHonored: 0, mark: 1, a0, b0, evidenceScore: 100 * s, idleFactor: 0, weighedAt: now,
      lastTrustedActivity: null, witnessTrust: 0, trustedWitnesses: 0, trustedHonored: 0, testimony: 0, trust: 0, rank: 0
    }
  }
}
