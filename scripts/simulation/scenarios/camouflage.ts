// Camouflage: malicious orgs honor a fraction f of what they owe honest orgs to keep a score.
// The share of obligations owed to honest orgs that malicious orgs broke must stay <= 5%
// (breaks by honest orgs, which fail 1 - honestRate of the time anyway, are not counted).
import { atMost, type Check, type Progress } from '../check.js'
import { standardNetwork } from '../network.js'
import type { SimOptions } from '../options.js'

export function camouflage (options: SimOptions, progress: Progress): Check[] {
  return options.camouflageFractions.map((f) => {
    const count = Math.round(options.orgs * options.maliciousFraction)
    const { world, malicious: bad } = standardNetwork(options, `camouflage-${f}`, count)
    for (const m of bad) m.honorTo = (to) => to.role === 'honest' ? f : 1
    world.run(options.days, { progress: (day) => progress(`camouflage f=${f}: day ${day + 1}/${options.days}`) })
    const broken = 100 * world.stats.brokenByMaliciousToHonest / Math.max(1, world.stats.owedToHonest)
    const random = 100 * options.maliciousFraction * (1 - f)
    return atMost(`camouflage f=${f}`, `obligations owed to honest orgs broken by malicious ones (random choice: about ${random.toFixed(0)}%)`, broken, 5, '%')
  })
}
