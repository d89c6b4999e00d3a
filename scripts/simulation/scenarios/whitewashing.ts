// Whitewashing: orgs build a good name, then break everything they owe for a few days (taking on
// exitProposals extra deals a day, all broken), vanish and come back under a new key. Each new identity must stay <= 20 until vetted and
// never start above its breached predecessor, at every honest observer.
import { atMost, info, type Check, type Progress } from '../check.js'
import { orgId, standardNetwork } from '../network.js'
import type { SimOptions } from '../options.js'
import { DAY, type Org } from '../world.js'

const EXIT_DAYS = 5
/** After the exit its verdicts land (due + grace + arbitration) before it re-keys. */
const REKEY_AFTER = 7

export function whitewashing (options: SimOptions, progress: Progress): Check[] {
  const count = Math.max(1, Math.round(options.orgs * 0.05))
  const { world, honest, malicious: scammers } = standardNetwork(options, 'whitewashing', count)
  for (const m of scammers) m.choice = 'random'
  const exitDay = Math.floor(options.days / 3)
  const rekeyDay = exitDay + EXIT_DAYS + REKEY_AFTER
  const successors = new Map<Org, Org>()
  const exits = world.rng.stream('exit')
  let startGap = Number.NEGATIVE_INFINITY
  let lowestPredecessor = Number.POSITIVE_INFINITY
  let unvettedMax = 0
  const vettedOn = new Map<Org, number>()
  world.run(options.days, {
    before: (day) => {
      if (day === exitDay) for (const m of scammers) m.honorTo = () => 0
      if (day >= exitDay && day < exitDay + EXIT_DAYS) {
        for (const m of scammers) for (let n = 0; n < options.exitProposals; n++) world.propose(m, exits.pick(honest))
      }
      if (day === exitDay + EXIT_DAYS) {
        for (const m of scammers) {
          m.active = false
          m.choice = 'none'
        }
      }
      if (day === rekeyDay) {
        scammers.forEach((m, i) => {
          const fresh = world.addOrg(orgId('w', i), 'malicious')
          fresh.choice = 'random'
          successors.set(m, fresh)
          for (const o of honest) {
            const before = world.score(o, m).score
            lowestPredecessor = Math.min(lowestPredecessor, before)
            startGap = Math.max(startGap, world.score(o, fresh).score - before)
          }
        })
      }
    },
    after: (day) => {
      const now = world.now() + DAY
      for (const fresh of successors.values()) {
        let vetted = 0
        for (const o of honest) {
          const s = world.score(o, fresh, now)
          if (s.vetted) vetted++
          else unvettedMax = Math.max(unvettedMax, s.score)
        }
        if (vetted * 2 >= honest.length && !vettedOn.has(fresh)) vettedOn.set(fresh, day + 1 - rekeyDay)
      }
    },
    progress: (day) => progress(`whitewashing: day ${day + 1}/${options.days}`)
  })
  const days = [...vettedOn.values()].sort((a, b) => a - b)
  return [
    atMost('whitewashing', 'highest score of a new identity while unvetted', unvettedMax, 20),
    atMost('whitewashing', 'new identity\'s starting score minus its predecessor\'s, worst observer', startGap, 0),
    info('whitewashing', 'lowest score of a breached predecessor when it re-keys', lowestPredecessor),
    info('whitewashing', `median days until a new identity is vetted by half the observers (${days.length} of ${count} were)`, days[Math.floor(days.length / 2)] ?? Number.NaN)
  ]
}
