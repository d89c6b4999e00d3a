// The node's reputation view built from every record its log holds.
import type { Clock } from '../clock.js'
import { PUBLIC_KINDS } from '../gossip/public-records.js'
import type { Log } from '../log/log.js'
import { recordsIn } from '../log/records-in-log.js'
import type { SignedRecord } from '../records/record.js'
import { NodeReputation } from './node-view.js'
import type { ReputationParams } from './params.js'

/**
 * `onLeftOut` hears of a record the reputation module cannot place (e.g. two attestations of one
 * commitment that differ): it is left out, never silently.
 */
export async function reputationFromLog (log: Log, params: Partial<ReputationParams>, clock: Clock, onLeftOut: (kind: string, record: SignedRecord<unknown>, err: Error) => void): Promise<{ reputation: NodeReputation, add: (kind: string, record: SignedRecord<unknown>) => void }> {
  const reputation = new NodeReputation(log.author, params, clock)
  const add = (kind: string, record: SignedRecord<unknown>): void => {
    try {
      reputation.add(kind, record)
    } catch (err) {
      onLeftOut(kind, record, err as Error)
    }
  }
  for await (const { kind, record } of recordsIn(log, new Set(PUBLIC_KINDS))) add(kind, record)
  return { reputation, add }
}
