// The node's own reputation view: the org is the observer, the evidence is every verified record in
// its log (attestations, receipts, disputes, verdicts, fork proofs), fed as it is stored.
import type { Clock } from '../clock.js'
import type { SignedRecord } from '../records/record.js'
import { evidenceOf } from './from-records.js'
import type { IngestResult } from './evidence.js'
import { resolveParams, type ReputationParams } from './params.js'
import type { SubjectScore } from './score.js'
import { ReputationView } from './view.js'

export class NodeReputation {
  readonly view: ReputationView
  readonly params: ReputationParams

  constructor (readonly observer: string, params: Partial<ReputationParams>, private readonly clock: Clock) {
    this.params = resolveParams(params)
    this.view = new ReputationView({ observer, params: this.params })
  }

  /** Takes one stored record; records that carry no evidence are skipped. */
  add (kind: string, record: SignedRecord<unknown>): IngestResult | undefined {
    const evidence = evidenceOf(kind, record)
    return evidence === undefined ? undefined : this.view.ingest(evidence)
  }

  /** The observer's score for one subject now: a stranger's score if nothing is known of it. */
  score (subject: string): SubjectScore | undefined {
    return this.view.score(subject, this.clock.now())
  }

  /** Every subject with evidence, best score first. */
  table (): SubjectScore[] {
    return [...this.view.scores(this.clock.now()).values()].sort((a, b) => b.score - a.score || (a.subject < b.subject ? -1 : 1))
  }

  /** For policies: the score of `org`, 0-100. */
  scoreOf (org: string): number | undefined {
    return this.score(org)?.score
  }
}
