// Where an obligation and a commitment stand, derived from the records held: the same records give
// the same answer on every node.
import type { ConsequenceBook } from './book.js'

export type ObligationStatus = 'pending' | 'overdue' | 'honored' | 'waived' | 'disputed' | 'breached'
export type CommitmentOutcome = 'pending' | 'honored' | 'disputed' | 'breached'

/**
 * A breach verdict stands over everything (unless the same dispute also has a dismissal: arbiters
 * contradicting each other leave the dispute open); an open dispute comes next; then a receipt or
 * waiver; otherwise the deadline decides between pending and overdue.
 */
export function obligationStatus (book: ConsequenceBook, commitment: string, obligation: string, now?: number): ObligationStatus {
  let open = false
  for (const dispute of book.disputesOf.get(`${commitment}/${obligation}`) ?? []) {
    const verdicts = book.verdicts.get(dispute)
    const breach = verdicts?.has('breach') === true
    const dismissed = verdicts?.has('dismissed') === true
    if (breach && !dismissed) return 'breached'
    if (breach === dismissed) open = true
  }
  if (open) return 'disputed'
  const receipt = book.receipts.get(`${commitment}/${obligation}`)
  if (receipt !== undefined) return receipt.value.outcome === 'waived' ? 'waived' : 'honored'
  const due = book.obligation(commitment, obligation)?.dueBy
  return now !== undefined && due !== undefined && now > due ? 'overdue' : 'pending'
}

export function commitmentOutcome (statuses: readonly ObligationStatus[]): CommitmentOutcome {
  if (statuses.includes('breached')) return 'breached'
  if (statuses.includes('disputed')) return 'disputed'
  if (statuses.every((s) => s === 'honored' || s === 'waived')) return 'honored'
  return 'pending'
}
