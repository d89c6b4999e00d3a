// Baseline: nobody attacks. Honest orgs should come to trust each other (mean score >= 70 by day
// 30) and none should ever be flagged, although honest orgs break 1 - honestRate of their deals.
import { atLeast, atMost, info, type Check, type Progress } from '../check.js'
import { standardNetwork } from '../network.js'
import type { SimOptions } from '../options.js'
import { DAY } from '../world.js'

export function baseline (options: SimOptions, progress: Progress): Check[] {
  const { world, honest } = standardNetwork(options, 'baseline')
  let mean30 = Number.NaN
  let vetted30 = 0
  const flagged = new Set<string>()
  let pairs = 0
  world.run(options.days, {
    after: (day) => {
      const now = world.now() + DAY
      let sum = 0
      let vetted = 0
      pairs = 0
      for (const o of honest) {
        for (const s of honest) {
          if (o === s) continue
          const score = world.score(o, s, now)
          if (score.flagged) flagged.add(s.id)
          sum += score.score
          if (score.vetted) vetted++
          pairs++
        }
      }
      if (day + 1 === 30) {
        mean30 = sum / pairs
        vetted30 = vetted / pairs
      }
    },
    progress: (day) => progress(`baseline: day ${day + 1}/${options.days}`)
  })
  return [
    atLeast('baseline', 'mean honest-to-honest score on day 30', mean30, 70),
    info('baseline', 'share of honest pairs vetted on day 30', 100 * vetted30, '%'),
    atMost('baseline', `honest orgs ever flagged (of ${honest.length}, every observer, every day)`, flagged.size, 0)
  ]
}
