// Every parameter of the reputation formula in one defaults object, each with the reason for its
// value (protocols/reputation.md §3 repeats them). Overrides are validated once, here.
import { z } from 'zod'
import { ReputationError } from './errors.js'

interface Documented<T> { value: T, doc: string }

const documented = {
  restart: { value: 0.2, doc: 'a: restart probability of the personalized PageRank over the honored-deal graph. 0.2 keeps trust within a few hops of the observer (mean walk length 5) and bounds the mass that can leak into a region through few edges.' },
  observerShare: { value: 0.5, doc: 'Share of the restart mass put on the observer itself; the rest is spread evenly over the pre-trusted orgs (all of it on the observer when there are none).' },
  pretrusted: { value: [] as readonly string[], doc: 'Orgs the operator trusts from the start (e.g. the network\'s arbiters). They seed trust where the observer has no history yet.' },
  trustScale: { value: 0.5, doc: 'rho: a witness w is fully believed (tau = 1) once pi(w) >= rho / N_eff, half the mass of a typical org, with N_eff = exp(entropy of pi); it counts toward vetting from a quarter. N_eff grows with the orgs that actually hold trust, not with the number of identities, so Sybils cannot lower the bar; and a closed region keeps the mass that leaks into it five times over (1/a), so the bar must sit well above what a few attack edges bring (0.25 let 10 attack edges into 30 orgs vet a Sybil).' },
  pageRankTolerance: { value: 1e-13, doc: 'Power iteration stops when the L1 change of pi in one step is at most this. The remaining error is at most tolerance * (1 - a) / a, far below what moves a score by 1e-9 in practice; a mass at or below tolerance / a counts as zero (what a warm start can leave on an org no longer reached).' },
  pageRankMaxIterations: { value: 1000, doc: 'Safety bound on power iterations; 0.8^k reaches 1e-13 at k = 135, so it is never reached on a well-formed graph.' },
  honoredHalfLifeDays: { value: 60, doc: 'Half-life of an honored deal\'s weight (R) and of the honored-deal graph\'s edges: recent conduct counts most.' },
  failedHalfLifeDays: { value: 180, doc: 'Half-life of a failure\'s weight (F): bad news is forgotten three times more slowly than good news.' },
  idleHalfLifeDays: { value: 60, doc: 'While a subject has no new honored deal, the part of its score above neutral halves every this many days, whatever its volume. Evidence decay alone would keep a high-volume org near its active score for a year.' },
  maxValueWeight: { value: 4, doc: 'Cap of a deal\'s value weight min(cap, log2(1 + 2^valueClass)): a value class-0 deal weighs 1, a large one at most 4, so one big deal cannot outweigh many honest small ones.' },
  witnessCap: { value: 10, doc: 'Most decayed, value-weighted honored evidence one witness can contribute to one subject\'s R. Trust must come from many witnesses: a colluding partner, or a Sybil farm whose witnesses share a small trust mass, vouches for little however many receipts it signs.' },
  lifetimeWitnessCap: { value: 50, doc: 'The same cap for the lifetime honored weight H that offsets breaches in the mark M.' },
  unvettedA0: { value: 1, doc: 'Prior pseudo-count of honored evidence before vetting: (1, 4) starts a stranger at 20.' },
  unvettedB0: { value: 4, doc: 'Prior pseudo-count of failed evidence before vetting.' },
  vettedA0: { value: 1, doc: 'Prior after vetting: (1, 1), so inactivity decays toward 50.' },
  vettedB0: { value: 1, doc: 'Prior after vetting, failed side.' },
  vettingMinHonored: { value: 10, doc: 'Vetting needs this much trusted testimony: the sum over witnesses with tau >= vettingMinTrust of tau times their honored deals, at most vettingWitnessCap from each.' },
  vettingMinWitnesses: { value: 3, doc: 'Vetting also needs at least this many distinct witnesses with tau >= vettingMinTrust.' },
  vettingMinTrust: { value: 0.5, doc: 'Witness trust needed for a receipt to count toward vetting and toward the subject\'s recent trusted activity.' },
  vettingWitnessCap: { value: 4, doc: 'Most honored deals one witness can contribute to vetting: breadth, not one partner\'s volume, vets a subject, so two colluding witnesses cannot vet a third org.' },
  unvettedCap: { value: 20, doc: 'Ceiling of the score of an unvetted (or flagged) subject: a fresh identity, a Sybil or a re-keyed breacher cannot rise above a stranger until trusted witnesses vouch for it.' },
  breachWeight: { value: 2, doc: 'kappa: each adjudicated breach (value-weighted) permanently cancels this many honored deals of the same value in the lifetime mark M = (H + m0) / (H + m0 + kappa * Bw). 10, the starting value, fails the baseline: 28 of 100 honest orgs (which break 5% of their deals) flagged, a mean of 69 on day 30.' },
  markPrior: { value: 20, doc: 'm0: honored weight of benefit of the doubt in the lifetime mark, so that one unlucky early breach does not flag an honest newcomer; also the flag line: kappa * Bw >= H + m0 flags the subject.' },
  forkValueWeight: { value: 4, doc: 'A fork proof counts as a breach of this value weight (the largest): signing two histories is as bad as breaking the biggest deal.' },
  dismissedWeight: { value: 1, doc: 'A claim the arbiters rejected counts against the claimant as this fraction of a failure of the deal\'s value.' },
  openDisputeWeight: { value: 0.1, doc: 'An open dispute counts against the respondent as this fraction of a failure, times the claimant\'s trust: slander alone moves little.' },
  openDisputeCap: { value: 4, doc: 'Most value weight of open disputes one claimant can hold against one respondent at a time (one largest deal): a claimant disputing everything at once counts as one dispute.' }
} as const satisfies Record<string, Documented<unknown>>

type Widen<T> = T extends number ? number : T extends readonly string[] ? readonly string[] : T

export type ReputationParams = { readonly [K in keyof typeof documented]: Widen<(typeof documented)[K]['value']> }

export const DEFAULT_PARAMS: ReputationParams = Object.freeze(
  Object.fromEntries(Object.entries(documented).map(([k, v]) => [k, v.value])) as unknown as ReputationParams
)

/** Each parameter with its default and the reason for it, in declaration order. */
export const PARAM_DOCS: ReadonlyArray<{ name: keyof ReputationParams, value: unknown, doc: string }> =
  Object.entries(documented).map(([name, d]) => ({ name: name as keyof ReputationParams, value: d.value, doc: d.doc }))

const fraction = z.number().gt(0).lt(1)
const positive = z.number().gt(0).finite()
const nonNegative = z.number().min(0).finite()

const schema = z.strictObject({
  restart: fraction,
  observerShare: z.number().gt(0).max(1),
  pretrusted: z.array(z.string().min(1)).readonly(),
  trustScale: positive,
  pageRankTolerance: positive,
  pageRankMaxIterations: z.number().int().min(1),
  honoredHalfLifeDays: positive,
  failedHalfLifeDays: positive,
  idleHalfLifeDays: positive,
  maxValueWeight: positive,
  witnessCap: positive,
  lifetimeWitnessCap: positive,
  unvettedA0: positive,
  unvettedB0: positive,
  vettedA0: positive,
  vettedB0: positive,
  vettingMinHonored: z.number().min(0).finite(),
  vettingWitnessCap: positive,
  vettingMinWitnesses: z.number().int().min(0),
  vettingMinTrust: z.number().min(0).max(1),
  unvettedCap: z.number().min(0).max(100),
  breachWeight: nonNegative,
  markPrior: positive,
  forkValueWeight: positive,
  dismissedWeight: nonNegative,
  openDisputeWeight: nonNegative,
  openDisputeCap: positive
})

/** The defaults with `overrides` applied; ReputationError REPUTATION_PARAMS_INVALID if any is out of range. */
export function resolveParams (overrides: Partial<ReputationParams> = {}): ReputationParams {
  const parsed = schema.safeParse({ ...DEFAULT_PARAMS, ...overrides })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ReputationError('REPUTATION_PARAMS_INVALID', `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, { issues: parsed.error.issues })
  }
  // readonly by type; not frozen, because V8 reads a frozen object this wide much more slowly
  return { ...parsed.data, pretrusted: [...new Set(parsed.data.pretrusted)].sort(compareIds) }
}

/** The one order of org ids and record ids everywhere: by UTF-16 code units, which is bytewise for ASCII ids. */
export function compareIds (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export const DAY_MS = 86_400_000
