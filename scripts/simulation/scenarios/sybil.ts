// Sybil: fake identities (sybilFraction of all) deal among themselves at sybilVolume times honest
// volume and have g real, honored deals with honest orgs (the attack edges), made once the honest
// network has run for a sixth of the days. At every honest
// observer: no Sybil above 20, total PageRank mass on Sybils <= 0.05 at g = 3, and doubling the
// number of Sybils (same honest network, same attack edges) moves that mass by <= 10%.
import { atMost, info, type Check, type Progress } from '../check.js'
import { orgId } from '../network.js'
import type { SimOptions } from '../options.js'
import { DAY, World, type Org } from '../world.js'

export interface SybilRun { readonly maxScore: number, readonly maxMass: number, readonly sybils: number, readonly measured: number }

/** Honest views here serve only the measurement: it runs every MEASURE_EVERY days and daily for a while after each attack deal. */
const MEASURE_EVERY = 3
const AFTER_ATTACK_DAYS = 8

export function sybilCount (options: SimOptions): number {
  return Math.max(1, Math.round(options.sybilFraction / (1 - options.sybilFraction) * options.orgs))
}

export function runSybil (options: SimOptions, sybilCount: number, g: number, progress: Progress): SybilRun {
  // The same label for every run: the honest network and the attack edges' honest ends and days are
  // drawn from the same streams whatever the number of Sybils.
  const world = new World(options, 'sybil')
  const honest = Array.from({ length: options.orgs }, (_, i) => world.addOrg(orgId('h', i), 'honest', i < options.pretrusted))
  for (const o of honest) {
    o.choice = 'random'
    o.screens = false
  }
  const sybils = Array.from({ length: sybilCount }, (_, i) => {
    const s = world.addOrg(orgId('s', i), 'sybil')
    s.choice = 'none'
    s.honorTo = () => 1
    return s
  })
  world.openViews()
  world.refreshDaily = false
  // Sybils attack a running network: their real deals fall after the first sixth of the run.
  const attack = world.rng.stream('attack')
  const attackValues = world.rng.stream('attack-values')
  const warmUp = Math.floor(options.days / 6)
  const edges = new Map<number, Array<[Org, Org]>>()
  for (let e = 0; e < g; e++) {
    const day = warmUp + attack.int(options.days - warmUp)
    const h = honest[Math.floor(attack.next() * honest.length)] as Org
    const s = sybils[Math.floor(attack.next() * sybils.length)] as Org
    edges.set(day, [...(edges.get(day) ?? []), [s, h]])
  }
  const internal = world.rng.stream('sybil-internal')
  const internalValues = world.rng.stream('sybil-values')
  const watch = new Set<number>()
  for (const day of edges.keys()) for (let d = day; d <= day + AFTER_ATTACK_DAYS; d++) watch.add(d)
  let maxScore = 0
  let maxMass = 0
  let measured = 0
  world.run(options.days, {
    before: (day) => {
      for (const [s, h] of edges.get(day) ?? []) world.commit(s, h, { aHonors: true, bHonors: true, rng: attackValues })
      for (const s of sybils) {
        for (let n = internal.count(options.dealRate * options.sybilVolume); n > 0; n--) {
          const partner = internal.pick(sybils)
          if (partner !== s) world.commit(s, partner, { aHonors: true, bHonors: true, rng: internalValues })
        }
      }
    },
    after: (day) => {
      if (day % MEASURE_EVERY !== MEASURE_EVERY - 1 && !watch.has(day) && day !== options.days - 1) return
      world.refreshViews()
      measured++
      const now = world.now() + DAY
      for (const o of honest) {
        let mass = 0
        for (const s of sybils) {
          mass += o.view?.rankOf(s.id) ?? 0
          maxScore = Math.max(maxScore, world.score(o, s, now).score)
        }
        maxMass = Math.max(maxMass, mass)
      }
    },
    progress: (day) => progress(`sybil ${sybilCount} identities, g=${g}: day ${day + 1}/${options.days}`)
  })
  return { maxScore, maxMass, sybils: sybilCount, measured }
}

/** The rows of one attack-edge count. */
export function sybilChecks (g: number, r: SybilRun): Check[] {
  const label = `sybil g=${g}`
  return [
    atMost(label, `highest Sybil score (${r.sybils} Sybils; ${r.measured} measured days)`, r.maxScore, 20),
    g === 3 ? atMost(label, 'largest trust mass on all Sybils at one observer', r.maxMass, 0.05) : info(label, 'largest trust mass on all Sybils at one observer', r.maxMass)
  ]
}

/** The rows of the doubling: the same attack with twice the Sybils. */
export function doublingChecks (g: number, base: SybilRun, doubled: SybilRun): Check[] {
  const change = base.maxMass === 0 ? (doubled.maxMass === 0 ? 0 : Number.POSITIVE_INFINITY) : 100 * Math.abs(doubled.maxMass - base.maxMass) / base.maxMass
  return [
    atMost(`sybil g=${g} x2`, `highest Sybil score (${doubled.sybils} Sybils)`, doubled.maxScore, 20),
    info(`sybil g=${g} x2`, 'largest trust mass on all Sybils at one observer', doubled.maxMass),
    atMost(`sybil g=${g} x2`, 'change of that mass when the Sybils double', change, 10, '%')
  ]
}

/** The attack-edge count whose Sybils are doubled: 3 if listed, else the first. */
export function doublingG (options: SimOptions): number | undefined {
  return options.attackEdges.includes(3) ? 3 : options.attackEdges[0]
}
