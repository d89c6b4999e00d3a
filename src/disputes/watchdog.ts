// The watchdog: on every node, each obligation owed to this org that is past due plus grace with no
// receipt gets a dispute, opened by the node itself. It works from the records held, not from
// timers, so a restart loses nothing and the dispute in the log makes it fire once.
import { logger } from '@libp2p/logger'
import type { Clock } from '../clock.js'
import type { ConsequenceBook } from '../commitments/book.js'
import type { Consequences } from '../commitments/consequences.js'

const log = logger('asp:watchdog')

export interface Overdue { commitment: string, obligation: string, obligor: string, dueBy: number }

/** Obligations owed to `org` past `dueBy + graceMs` with neither receipt nor dispute. */
export function overdue (book: ConsequenceBook, org: string, now: number, graceMs: number): Overdue[] {
  const out: Overdue[] = []
  for (const commitment of book.owedTo.get(org) ?? []) {
    const attestation = book.attestations.get(commitment)
    if (attestation === undefined) continue
    for (const o of attestation.value.agreement.obligations) {
      if (o.beneficiary !== org || now <= o.dueBy + graceMs) continue
      const key = `${commitment}/${o.id}`
      if (book.receipts.has(key) || (book.disputesOf.get(key)?.length ?? 0) > 0) continue
      out.push({ commitment, obligation: o.id, obligor: o.obligor, dueBy: o.dueBy })
    }
  }
  return out
}

export class Watchdog {
  private running: Promise<void> | null = null

  constructor (
    private readonly consequences: Consequences,
    private readonly org: string,
    private readonly clock: Clock,
    private readonly graceMs: number
  ) {}

  /** One round; rounds never overlap, so a slow round cannot open a dispute twice. */
  async check (): Promise<number> {
    if (this.running !== null) {
      await this.running
      return 0
    }
    let opened = 0
    this.running = (async () => {
      for (const o of overdue(this.consequences.book, this.org, this.clock.now(), this.graceMs)) {
        log('%s of %s is past due: opening a dispute against %s', o.obligation, o.commitment, o.obligor)
        await this.consequences.openDispute({ commitment: o.commitment, obligation: o.obligation, claim: 'missed-deadline' })
        opened++
      }
    })()
    try {
      await this.running
    } finally {
      this.running = null
    }
    return opened
  }
}
