// obligation.due: an obligation of a commitment this org is party to whose deadline passed with no
// receipt (or waiver) held. Checked periodically (every disputes.watchdogIntervalMs, as the
// watchdog that later opens the dispute); each obligation gives the event once: the mark that it
// did is written in the same batch as the event, so a restart neither repeats nor loses it.
import { logger } from '@libp2p/logger'
import type { AspNode } from '../node.js'
import { agentsOfCommitment } from './consequence-view.js'
import type { EventJournal, NewEvent } from './event-journal.js'
import type { ApiStore } from './store.js'

const trace = logger('asp:api:due-events')

export class DueEvents {
  /** `commitment/obligation` of every obligation that gave its event. */
  private readonly noticed = new Set<string>()
  /** Commitments whose every obligation is receipted or noticed: not looked at again. */
  private readonly settled = new Set<string>()
  private queue: Promise<void> = Promise.resolve()
  private timer: ReturnType<typeof setInterval> | null = null

  constructor (private readonly node: AspNode, private readonly journal: EventJournal, private readonly store: ApiStore, private readonly intervalMs: number) {}

  async start (): Promise<void> {
    for await (const [key] of this.store.due.entries()) this.noticed.add(key)
    await this.check()
    this.timer = setInterval(() => {
      this.queue = this.queue.then(async () => this.check()).catch((err: Error) => trace.error('obligation check failed: %s', err.message))
    }, this.intervalMs)
    this.timer.unref()
  }

  async stop (): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    await this.queue
  }

  /** Journals obligation.due for every obligation of ours past due with no receipt, not noticed yet. */
  async check (): Promise<void> {
    const { book } = this.node.consequences
    const org = this.node.key.orgId
    const now = this.node.clock.now()
    const events: NewEvent[] = []
    const keys: string[] = []
    const settling: string[] = []
    for (const [commitment, own] of book.commitments) {
      if (this.settled.has(commitment)) continue
      const attestation = book.attestations.get(commitment)
      if (attestation === undefined) continue
      let open = false
      for (const o of attestation.value.agreement.obligations) {
        const key = `${commitment}/${o.id}`
        if (this.noticed.has(key) || book.receipts.has(key)) continue
        if (now <= o.dueBy) {
          open = true
          continue
        }
        keys.push(key)
        events.push({
          type: 'obligation.due',
          agents: agentsOfCommitment(this.node, commitment),
          data: { commitment, obligation: o.id, obligor: o.obligor, beneficiary: o.beneficiary, dueBy: o.dueBy, owed: o.obligor === org ? 'by-us' : 'to-us', session: own.value.deal.session }
        })
      }
      if (!open) settling.push(commitment)
    }
    if (events.length > 0) await this.journal.append(events, keys.map((key) => this.store.due.putOp(key, now)))
    for (const key of keys) this.noticed.add(key)
    for (const commitment of settling) this.settled.add(commitment)
  }
}
