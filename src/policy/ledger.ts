// What this org's agents have committed to, for the per-day limits and for "never dealt with":
// a deal counts for the agent that sent this org's COMMIT, at that COMMIT's time, for the terms'
// total. Rebuilt from the log at start, then kept current from the session events. A COMMIT the
// guard let through counts at once (reserved), so two sessions committing at the same time cannot
// both fit under one limit; if its delivery fails it keeps counting until the node restarts (the
// safe side of the error).
import type { Money } from './evaluate.js'

export const DAY_MS = 86_400_000

interface Deal {
  agent: string
  value: Money
  at: number
}

export class DealLedger {
  /** One deal per session: this org commits once per session. */
  private readonly deals = new Map<string, Deal>()
  private readonly partners = new Set<string>()

  /** This org's COMMIT in `session` (sent, or let through and on its way). */
  commit (session: string, agent: string, value: Money, at: number): void {
    this.deals.set(session, { agent, value: { ...value }, at })
  }

  /** A commitment (both signatures) with `org` exists. */
  dealtWith (org: string): boolean {
    return this.partners.has(org)
  }

  addPartner (org: string): void {
    this.partners.add(org)
  }

  /** The total of `agent`'s deals in `currency` committed in the 24 hours before `now`, `except` one session. */
  spent (agent: string, currency: string, now: number, except?: string): bigint {
    let sum = 0n
    for (const [session, deal] of this.deals) {
      if (session === except || deal.agent !== agent || deal.value.currency !== currency) continue
      if (deal.at > now - DAY_MS) sum += BigInt(deal.value.amount)
    }
    return sum
  }
}
