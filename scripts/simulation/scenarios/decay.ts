// Decay: an honest org stops dealing on day 30. Its score at every honest observer must fall toward
// neutral and never rise while it is idle, and be within 5 points of neutral 240 days later.
// "Never rises" is measured for time alone (each observer's witness trust held fixed): the network
// keeps dealing, and an observer that comes to trust a witness more may credit the idle org's past
// receipts from that witness a little more; that figure is shown beside it.
import { atMost, info, type Check, type Progress } from '../check.js'
import { ordinary, standardNetwork } from '../network.js'
import type { SimOptions } from '../options.js'
import { DAY } from '../world.js'

const STOP_DAY = 30
const IDLE_DAYS = 240
/** Its last obligations settle within due (3) + grace (1) + arbitration (2) days of stopping. */
const SETTLE_DAYS = 6

export function decay (options: SimOptions, progress: Progress): Check[] {
  const { world, honest } = standardNetwork(options, 'decay')
  const idle = ordinary(honest)[0]
  if (idle === undefined) throw new Error('decay needs an honest org that is not pre-trusted')
  const observers = honest.filter((o) => o !== idle)
  const days = Math.max(options.days, STOP_DAY + IDLE_DAYS + 1)
  let previous: number[] | undefined
  let maxRise = Number.NEGATIVE_INFINITY
  let maxTimeRise = Number.NEGATIVE_INFINITY
  let atStop = 0
  let distance = Number.NaN
  let neutral = 0
  world.run(days, {
    before: (day) => {
      if (day === STOP_DAY) {
        idle.active = false
        idle.choice = 'none'
      }
    },
    after: (day) => {
      const now = world.now() + DAY
      const scores = observers.map((o) => world.score(o, idle, now))
      if (day + 1 === STOP_DAY) atStop = Math.min(...scores.map((s) => s.score))
      if (day + 1 >= STOP_DAY + SETTLE_DAYS) {
        const values = scores.map((s) => s.score)
        if (previous !== undefined) values.forEach((v, i) => { maxRise = Math.max(maxRise, v - (previous?.[i] ?? v)) })
        previous = values
        // the effect of time alone: the same view (same witness trust) one day earlier
        observers.forEach((o, i) => { maxTimeRise = Math.max(maxTimeRise, (values[i] as number) - world.score(o, idle, now - DAY).score) })
      }
      if (day + 1 === STOP_DAY + IDLE_DAYS) {
        distance = Math.max(...scores.map((s) => Math.abs(s.score - 100 * s.breakdown.a0 / (s.breakdown.a0 + s.breakdown.b0))))
        neutral = Math.max(...scores.map((s) => 100 * s.breakdown.a0 / (s.breakdown.a0 + s.breakdown.b0)))
      }
    },
    progress: (day) => progress(`decay: day ${day + 1}/${days}`)
  })
  return [
    info('decay', `lowest score of the idle org when it stops (day ${STOP_DAY})`, atStop),
    atMost('decay', `largest distance from neutral (${neutral}) ${IDLE_DAYS} days after it stops`, distance, 5),
    atMost('decay', 'largest one-day rise of its score while idle, any observer, as time passes', Math.max(0, maxTimeRise), 0),
    info('decay', 'the same, with the observers\' witness trust moving as the network deals on', Math.max(0, maxRise))
  ]
}
