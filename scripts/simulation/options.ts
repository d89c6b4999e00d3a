// Command-line options of `npm run simulate`, each with its default and meaning.
import { parseArgs } from 'node:util'

export const SCENARIOS = ['baseline', 'decay', 'malicious', 'camouflage', 'collective', 'sybil', 'whitewashing', 'slander', 'fork', 'replay'] as const
export type ScenarioName = typeof SCENARIOS[number]

export interface SimOptions {
  /** Orgs in the network, Sybils not included. */
  readonly orgs: number
  readonly days: number
  /** Probability that an honest org honors an obligation. */
  readonly honestRate: number
  /** Commitments each active org proposes per day. */
  readonly dealRate: number
  readonly pretrusted: number
  readonly maliciousFraction: number
  readonly camouflageFractions: readonly number[]
  /** Share of all identities that are Sybils. */
  readonly sybilFraction: number
  readonly attackEdges: readonly number[]
  /** Sybil-to-Sybil deal volume, as a multiple of an honest org's. */
  readonly sybilVolume: number
  /** Collective members' fake deals among themselves, as a multiple of an honest org's volume. */
  readonly collusionVolume: number
  /** How many random candidates an honest org compares before proposing to the best. */
  readonly candidates: number
  /** The least score an honest org deals with. */
  readonly acceptMin: number
  /** Extra deals a whitewasher takes on per day while it breaks everything, before re-keying. */
  readonly exitProposals: number
  readonly seed: number
  readonly scenarios: readonly ScenarioName[]
  readonly json: boolean
  /** Worker threads; undefined: one per core. */
  readonly jobs?: number
}

export const DEFAULT_OPTIONS: SimOptions = {
  orgs: 100,
  days: 180,
  honestRate: 0.95,
  dealRate: 0.5,
  pretrusted: 5,
  maliciousFraction: 0.2,
  camouflageFractions: [0.5, 0.7, 0.9],
  sybilFraction: 0.3,
  attackEdges: [1, 3, 10],
  sybilVolume: 100,
  collusionVolume: 10,
  candidates: 3,
  acceptMin: 15,
  exitProposals: 0,
  seed: 1,
  scenarios: SCENARIOS,
  json: false
}

export const USAGE = `npm run simulate -- [options]
  --orgs N                  orgs in the network, Sybils not included (${DEFAULT_OPTIONS.orgs})
  --days N                  simulated days (${DEFAULT_OPTIONS.days}; decay runs 240 idle days more)
  --honest-rate P           probability that an honest org honors an obligation (${DEFAULT_OPTIONS.honestRate})
  --deal-rate R             commitments each org proposes per day (${DEFAULT_OPTIONS.dealRate})
  --pretrusted N            honest orgs every observer pre-trusts (${DEFAULT_OPTIONS.pretrusted})
  --malicious-fraction P    share of orgs that are malicious (${DEFAULT_OPTIONS.maliciousFraction})
  --camouflage-fraction F   share of deals camouflaged attackers honor; comma-separated list (${DEFAULT_OPTIONS.camouflageFractions.join(',')})
  --sybil-fraction P        share of all identities that are Sybils (${DEFAULT_OPTIONS.sybilFraction})
  --attack-edges G          real deals between Sybils and honest orgs; comma-separated list (${DEFAULT_OPTIONS.attackEdges.join(',')})
  --sybil-volume X          Sybil-to-Sybil volume as a multiple of an honest org's (${DEFAULT_OPTIONS.sybilVolume})
  --collusion-volume X      collective members' fake volume as a multiple of an honest org's (${DEFAULT_OPTIONS.collusionVolume})
  --candidates N            candidates an honest org compares before proposing (${DEFAULT_OPTIONS.candidates})
  --accept-min S            least score an honest org deals with; it also refuses flagged orgs (${DEFAULT_OPTIONS.acceptMin})
  --exit-proposals N        extra deals a whitewasher takes on per day while breaking everything (${DEFAULT_OPTIONS.exitProposals})
  --seed N                  seed of every random choice (${DEFAULT_OPTIONS.seed})
  --scenario NAME[,NAME]    scenarios to run: ${SCENARIOS.join(', ')} (all)
  --jobs N                  worker threads (one per core); the results do not depend on it
  --json                    print JSON instead of a table`

function number (text: string | undefined, name: string, fallback: number, check: (n: number) => boolean): number {
  if (text === undefined) return fallback
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new Error(`--${name}: "${text}" is out of range`)
  return n
}

function list (text: string | undefined, name: string, fallback: readonly number[], check: (n: number) => boolean): readonly number[] {
  if (text === undefined) return fallback
  return text.split(',').map((part) => number(part, name, 0, check))
}

const positiveInt = (n: number): boolean => Number.isInteger(n) && n >= 1
const probability = (n: number): boolean => n >= 0 && n <= 1

export function parseOptions (argv: string[]): SimOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      orgs: { type: 'string' },
      days: { type: 'string' },
      'honest-rate': { type: 'string' },
      'deal-rate': { type: 'string' },
      pretrusted: { type: 'string' },
      'malicious-fraction': { type: 'string' },
      'camouflage-fraction': { type: 'string' },
      'sybil-fraction': { type: 'string' },
      'attack-edges': { type: 'string' },
      'sybil-volume': { type: 'string' },
      'collusion-volume': { type: 'string' },
      candidates: { type: 'string' },
      'accept-min': { type: 'string' },
      'exit-proposals': { type: 'string' },
      seed: { type: 'string' },
      scenario: { type: 'string' },
      json: { type: 'boolean' },
      jobs: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help === true) return 'help'
  const d = DEFAULT_OPTIONS
  const scenarios = values.scenario === undefined || values.scenario === 'all'
    ? SCENARIOS
    : values.scenario.split(',').map((name) => {
      if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--scenario: unknown "${name}"; one of ${SCENARIOS.join(', ')}`)
      return name as ScenarioName
    })
  const orgs = number(values.orgs, 'orgs', d.orgs, (n) => Number.isInteger(n) && n >= 10)
  return {
    orgs,
    days: number(values.days, 'days', d.days, (n) => Number.isInteger(n) && n >= 31),
    honestRate: number(values['honest-rate'], 'honest-rate', d.honestRate, probability),
    dealRate: number(values['deal-rate'], 'deal-rate', d.dealRate, (n) => n > 0 && n <= 50),
    pretrusted: number(values.pretrusted, 'pretrusted', d.pretrusted, (n) => Number.isInteger(n) && n >= 0 && n < orgs / 2),
    maliciousFraction: number(values['malicious-fraction'], 'malicious-fraction', d.maliciousFraction, (n) => n > 0 && n < 0.5),
    camouflageFractions: list(values['camouflage-fraction'], 'camouflage-fraction', d.camouflageFractions, probability),
    sybilFraction: number(values['sybil-fraction'], 'sybil-fraction', d.sybilFraction, (n) => n > 0 && n < 0.9),
    attackEdges: list(values['attack-edges'], 'attack-edges', d.attackEdges, (n) => Number.isInteger(n) && n >= 0),
    sybilVolume: number(values['sybil-volume'], 'sybil-volume', d.sybilVolume, (n) => n >= 0 && n <= 1000),
    collusionVolume: number(values['collusion-volume'], 'collusion-volume', d.collusionVolume, (n) => n >= 0 && n <= 1000),
    candidates: number(values.candidates, 'candidates', d.candidates, positiveInt),
    acceptMin: number(values['accept-min'], 'accept-min', d.acceptMin, (n) => n >= 0 && n <= 100),
    exitProposals: number(values['exit-proposals'], 'exit-proposals', d.exitProposals, (n) => Number.isInteger(n) && n >= 0 && n <= 100),
    seed: number(values.seed, 'seed', d.seed, (n) => Number.isSafeInteger(n) && n >= 0),
    scenarios,
    json: values.json === true,
    jobs: values.jobs === undefined ? undefined : number(values.jobs, 'jobs', 1, positiveInt)
  }
}
