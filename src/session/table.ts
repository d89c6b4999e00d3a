// Which side may send which type in each phase: the table of protocols/session.md, as data. The
// machine consults it first; the conditions after it (a live offer to accept, an obligation to
// confirm, ...) are the rows' footnotes, checked in machine.ts.
import type { MessageType } from './message-types.js'
import type { Phase } from './state.js'

/** 'both' or nobody (absent). Every type may be sent by either side where it is allowed at all. */
export type Allowed = Partial<Record<MessageType, string>>

export const TABLE: Record<Phase, Allowed> = {
  negotiating: {
    REQUEST: 'only as the first message (seq 1), by the initiator',
    QUERY: 'either side',
    INFORM: 'either side',
    PROPOSE: 'either side, unless the other side\'s offer is live (then COUNTER, ACCEPT or REJECT)',
    COUNTER: 'the side a live offer was made to; replyTo names that offer',
    ACCEPT: 'the side the live offer was made to, before it expires; body.offer names it',
    REJECT: 'either side',
    CANCEL: 'either side',
    ESCALATE: 'either side',
    DELEGATE: 'either side'
  },
  accepted: {
    QUERY: 'either side',
    INFORM: 'either side',
    COMMIT: 'each side once; body.agreement is the agreement\'s CID and body.sig its signature',
    CANCEL: 'either side, while not both have committed',
    ESCALATE: 'either side',
    DELEGATE: 'either side'
  },
  committed: {
    QUERY: 'either side',
    INFORM: 'either side',
    CONFIRM: 'the beneficiary of an obligation not yet confirmed',
    ESCALATE: 'either side',
    DELEGATE: 'either side',
    CLOSE: 'either side, once every obligation is confirmed or disputed'
  },
  fulfilled: {
    INFORM: 'either side',
    CLOSE: 'either side'
  },
  rejected: {
    INFORM: 'either side',
    CLOSE: 'either side'
  },
  cancelled: {
    INFORM: 'either side',
    CLOSE: 'either side'
  },
  closed: {}
}

const PHASES: Phase[] = ['negotiating', 'accepted', 'committed', 'fulfilled', 'rejected', 'cancelled', 'closed']

/** The table as markdown, for protocols/session.md (a test keeps the two equal). */
export function renderTable (types: readonly MessageType[]): string {
  const lines = ['| phase | ' + types.join(' | ') + ' |', '|---|' + types.map(() => ':-:').join('|') + '|']
  for (const phase of PHASES) lines.push(`| ${phase} | ` + types.map((t) => (TABLE[phase][t] !== undefined ? '✓' : '')).join(' | ') + ' |')
  lines.push('', 'Conditions of each ✓:', '')
  for (const phase of PHASES) {
    for (const t of types) {
      const rule = TABLE[phase][t]
      if (rule !== undefined) lines.push(`- ${phase}, ${t}: ${rule}`)
    }
  }
  return lines.join('\n')
}
