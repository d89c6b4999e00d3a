// Replay: old receipts and verdicts are gossiped again, verbatim and re-signed (a new record for an
// obligation already settled). Against the counterfactual without replays, no score and no count
// may change at any honest observer.
import type { Evidence } from '../../../src/reputation/index.js'
import { atMost, info, type Check, type Progress } from '../check.js'
import { standardNetwork } from '../network.js'
import type { SimOptions } from '../options.js'
import { DAY } from '../world.js'

const START_DAY = 10
const VERBATIM_PER_DAY = 200
const RESIGNED_PER_DAY = 20
const MEASURE_EVERY = 10

export function replay (options: SimOptions, progress: Progress): Check[] {
  const { world, honest } = standardNetwork(options, 'replay')
  world.enableShadow()
  const history: Evidence[] = []
  world.listener = (item) => { if (item.kind === 'honored' || item.kind === 'breach') history.push(item) }
  const replayer = world.rng.stream('replay')
  let replayed = 0
  let maxDiff = 0
  let countDiffs = 0
  world.run(options.days, {
    before: (day) => {
      if (day < START_DAY || history.length === 0) return
      const old = history.slice()
      for (let n = 0; n < VERBATIM_PER_DAY; n++) world.emit(replayer.pick(old), 'actual')
      for (let n = 0; n < RESIGNED_PER_DAY; n++) world.emit({ ...replayer.pick(old), id: world.nextId('x'), at: world.stamp() }, 'actual')
      replayed += VERBATIM_PER_DAY + RESIGNED_PER_DAY
    },
    after: (day) => {
      if ((day + 1) % MEASURE_EVERY !== 0 && day !== options.days - 1) return
      const now = world.now() + DAY
      for (const o of honest) {
        const shadow = world.shadowViewOf(o)
        for (const s of honest) {
          if (s === o) continue
          const a = world.score(o, s, now)
          const b = shadow.score(s.id, now)
          if (b === undefined) continue
          maxDiff = Math.max(maxDiff, Math.abs(a.score - b.score))
          if (a.honored !== b.honored || a.breached !== b.breached || a.deals !== b.deals || a.rejectedClaims !== b.rejectedClaims) countDiffs++
        }
      }
    },
    progress: (day) => progress(`replay: day ${day + 1}/${options.days}`)
  })
  return [
    atMost('replay', 'largest score difference made by replays, any observer (PageRank tolerance)', maxDiff, 1e-9),
    atMost('replay', 'scores whose counts (deals, honored, breached) changed', countDiffs, 0),
    info('replay', 'records replayed', replayed)
  ]
}
