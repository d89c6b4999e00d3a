// What guardrails need of reputation: the score this org gives another, on 0 to 100. Any view can
// provide it; the node's ReputationView does through scoresFrom().
import type { Clock } from '../clock.js'
import type { ReputationView } from '../reputation/view.js'

export interface ScoreSource {
  /** The score of `org` now, or undefined when there is none (it is then below every minimum). */
  scoreOf(org: string): number | undefined
}

/** Scores from a reputation view, at the clock's time. */
export function scoresFrom (view: ReputationView, clock: Clock): ScoreSource {
  return { scoreOf: (org) => view.score(org, clock.now())?.score }
}
