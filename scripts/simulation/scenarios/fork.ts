// Fork: an org signs two different entries at one seq. Every honest node that sees both heads
// builds the same fork proof and gossips it; one round later every honest observer must count it
// as a breach (against the counterfactual without the fork: one more breach, a lower evidence score).
import { atLeast, info, type Check, type Progress } from '../check.js'
import { ordinary, standardNetwork } from '../network.js'
import type { SimOptions } from '../options.js'
import { DAY } from '../world.js'

export function fork (options: SimOptions, progress: Progress): Check[] {
  const { world, honest } = standardNetwork(options, 'fork')
  world.enableShadow()
  const forker = ordinary(honest)[0]
  if (forker === undefined) throw new Error('fork needs an honest org that is not pre-trusted')
  const forkDay = Math.floor(options.days / 2)
  const observers = honest.filter((o) => o !== forker)
  let detected = 0
  let smallestDrop = Number.POSITIVE_INFINITY
  let flagged = 0
  // Nothing after the round that follows the fork is measured.
  world.run(forkDay + 1, {
    before: (day) => {
      if (day !== forkDay) return
      // Each honest node detects the conflicting heads and gossips the proof: the same record (one
      // CID, the proof is canonical), many times over.
      const proof = { kind: 'fork' as const, id: world.nextId('f'), org: forker.id, seq: 1000 + forkDay, at: world.stamp() }
      for (let n = 0; n < observers.length; n++) world.emit(proof, 'actual')
    },
    after: (day) => {
      if (day !== forkDay) return
      const now = world.now() + DAY
      for (const o of observers) {
        const actual = world.score(o, forker, now)
        const without = world.shadowViewOf(o).score(forker.id, now)
        if (without === undefined) continue
        // counted as a breach: one more on record, and less standing (the evidence score: an unvetted
        // forker's shown score may sit at the ceiling of 20 with the fork or without it)
        if (actual.breached === without.breached + 1 && actual.breakdown.evidenceScore < without.breakdown.evidenceScore) detected++
        smallestDrop = Math.min(smallestDrop, without.score - actual.score)
        if (actual.flagged) flagged++
      }
    },
    progress: (day) => progress(`fork: day ${day + 1}/${forkDay + 1}`)
  })
  return [
    atLeast('fork', 'honest observers counting the fork as a breach one round later', 100 * detected / observers.length, 100, '%'),
    info('fork', 'smallest score drop it caused at one observer', smallestDrop),
    info('fork', 'observers that flag the forker', flagged)
  ]
}
