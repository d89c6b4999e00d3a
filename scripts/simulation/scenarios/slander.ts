// Slander: an org deals often with an established target, withholds its receipts and opens
// disputes the arbiters reject. Against the counterfactual where it signed the receipts (same deals, same everything
// else), the target's score may move <= 5 points at any honest observer on any day, and the
// rejected claims must count against the slanderer.
import { atMost, info, type Check, type Progress } from '../check.js'
import { ordinary, standardNetwork } from '../network.js'
import type { SimOptions } from '../options.js'
import { DAY } from '../world.js'

export function slander (options: SimOptions, progress: Progress): Check[] {
  const { world, honest } = standardNetwork(options, 'slander')
  world.enableShadow()
  const [slanderer, target] = ordinary(honest)
  if (slanderer === undefined || target === undefined) throw new Error('slander needs two honest orgs that are not pre-trusted')
  const extra = world.rng.stream('slander')
  const observers = honest.filter((o) => o !== slanderer && o !== target)
  // The slanderer goes after an established target: from the first day after the first sixth of
  // the run on which every honest observer has vetted it.
  let start = Number.POSITIVE_INFINITY
  slanderer.slanders = (from) => from === target && world.day >= start
  let moved = 0
  let claimantChange = Number.NEGATIVE_INFINITY
  world.run(options.days, {
    before: (day) => {
      if (day < start) return
      for (let n = extra.count(options.dealRate); n > 0; n--) world.propose(slanderer, target)
    },
    after: (day) => {
      const now = world.now() + DAY
      if (start === Number.POSITIVE_INFINITY && day + 1 >= options.days / 6 && observers.every((o) => world.score(o, target, now).vetted)) start = day + 1
      if (day + 1 <= start) return
      for (const o of observers) {
        const shadow = world.shadowViewOf(o)
        moved = Math.max(moved, Math.abs(world.score(o, target, now).score - (shadow.score(target.id, now)?.score ?? 0)))
        if (day === options.days - 1) claimantChange = Math.max(claimantChange, world.score(o, slanderer, now).score - (shadow.score(slanderer.id, now)?.score ?? 0))
      }
    },
    progress: (day) => progress(`slander: day ${day + 1}/${options.days}`)
  })
  const rejected = world.score(observers[0] ?? honest[0] as never, slanderer).rejectedClaims
  return [
    atMost('slander', 'largest move of the target\'s score, any observer, any day', moved, 5),
    { ...atMost('slander', start === Number.POSITIVE_INFINITY ? 'never started: the target was never vetted by every observer' : `slanderer's score change at the end (${rejected} claims rejected), worst observer`, claimantChange, 0), pass: claimantChange < 0, bound: '< 0' },
    info('slander', 'disputes the slanderer opened', rejected),
    info('slander', 'day the slander started (target vetted everywhere)', start)
  ]
}
