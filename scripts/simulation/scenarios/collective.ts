// Collective: malicious orgs break what they owe honest orgs and sign fake receipts for each other
// at a multiple of honest volume. At every honest observer each must stay <= 20 while unvetted and
// <= 25 after its first breach.
import { atMost, info, type Check, type Progress } from '../check.js'
import { standardNetwork } from '../network.js'
import type { SimOptions } from '../options.js'
import { DAY } from '../world.js'

export function collective (options: SimOptions, progress: Progress): Check[] {
  const count = Math.max(2, Math.round(options.orgs * options.maliciousFraction))
  const { world, honest, malicious: members } = standardNetwork(options, 'collective', count)
  const colluding = world.rng.stream('collusion')
  for (const m of members) m.honorTo = (to) => to.role === 'honest' ? 0 : 1
  let unvettedMax = 0
  let breachedMax = 0
  let vettedPairs = 0
  world.run(options.days, {
    before: () => {
      for (const m of members) {
        for (let n = colluding.count(options.dealRate * options.collusionVolume); n > 0; n--) {
          const partner = colluding.pick(members)
          if (partner !== m) world.commit(m, partner, { aHonors: true, bHonors: true })
        }
      }
    },
    after: () => {
      const now = world.now() + DAY
      for (const m of members) {
        const i = world.store.orgs.lookup(m.id)
        const breached = i !== undefined && (world.store.tally.breaches.data[i] as number) > 0
        for (const o of honest) {
          const s = world.score(o, m, now)
          if (!s.vetted) unvettedMax = Math.max(unvettedMax, s.score)
          else vettedPairs++
          if (breached) breachedMax = Math.max(breachedMax, s.score)
        }
      }
    },
    progress: (day) => progress(`collective: day ${day + 1}/${options.days}`)
  })
  return [
    atMost('collective', 'highest score of a member while unvetted', unvettedMax, 20),
    atMost('collective', 'highest score of a member after its first breach', breachedMax, 25),
    info('collective', '(observer, member, day) triples where a member was vetted', vettedPairs)
  ]
}
