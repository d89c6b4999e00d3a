// The pure form: every score one observer gives, from an evidence list, at `now`. The same list in
// the same order gives the same bits; any order gives the same scores within 1e-9.
import type { Evidence } from './evidence.js'
import type { ReputationParams } from './params.js'
import type { SubjectScore } from './score.js'
import { ReputationView } from './view.js'

export function computeScores (evidence: Iterable<Evidence>, observer: string, params: Partial<ReputationParams>, now: number): Map<string, SubjectScore> {
  const view = new ReputationView({ observer, params, refresh: 'manual' })
  for (const item of evidence) view.ingest(item)
  return view.recomputeAll(now)
}
