// Simple malicious: a share of the orgs break every obligation owed to honest orgs and propose to
// random honest orgs. Their score must be <= 25 at every honest observer one gossip round after
// their first verdict, and honest orgs must make few deals with them (random choice: their share).
import { atMost, type Check, type Progress } from '../check.js'
import { standardNetwork } from '../network.js'
import type { SimOptions } from '../options.js'
import { DAY } from '../world.js'

export function malicious (options: SimOptions, progress: Progress): Check[] {
  const count = Math.round(options.orgs * options.maliciousFraction)
  const { world, honest, malicious: bad } = standardNetwork(options, 'malicious', count)
  for (const m of bad) m.honorTo = (to) => to.role === 'honest' ? 0 : 1
  const seen = new Set<string>()
  let worst = 0
  world.run(options.days, {
    after: () => {
      const now = world.now() + DAY
      for (const m of bad) {
        if (seen.has(m.id)) continue
        const i = world.store.orgs.lookup(m.id)
        if (i === undefined || (world.store.tally.breaches.data[i] as number) === 0) continue
        // its first verdict reached every store this round: what does every honest observer say now?
        seen.add(m.id)
        for (const o of honest) worst = Math.max(worst, world.score(o, m, now).score)
      }
    },
    progress: (day) => progress(`malicious: day ${day + 1}/${options.days}`)
  })
  const share = 100 * world.stats.honestDealsWithMalicious / Math.max(1, world.stats.honestDeals)
  return [
    atMost('malicious', `highest score of a malicious org one round after its first verdict (${seen.size} of ${bad.length} judged)`, worst, 25),
    atMost('malicious', `honest orgs' deals with malicious orgs (random choice: ${Math.round(100 * options.maliciousFraction)}%)`, share, 5, '%')
  ]
}
