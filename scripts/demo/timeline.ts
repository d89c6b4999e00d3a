// The story as one timeline: every session message from the buyer's agent's events (who sent what
// to whom, and the session's phase after it), the approval from the buyer's node, the deadline,
// and the dispute, the votes and the verdict as the buyer's node holds them.
import type { ApiEvent } from '../../src/client/index.js'
import { messageOf, type MessageEventData } from './agent.js'
import type { DisputeView } from './broken-deal.js'
import type { DemoNetwork } from './network.js'
import { priceLine, type Terms } from './terms.js'

export interface ApprovalRecord {
  id: string
  subject: { id: string }
  summary: string
  createdAt: number
  decisions: Array<{ approver: string, decision: string, note?: string, at: number }>
}

interface Line {
  ts: number
  session?: string
  who: string
  to: string
  what: string
  state: string
  detail: string
}

function describe (m: MessageEventData['message']): string {
  const b = m.body
  switch (m.type) {
    case 'REQUEST': return `${String(b.capability)}: "${String(b.description)}"`
    case 'PROPOSE':
    case 'COUNTER': return priceLine(b.terms as Terms)
    case 'ACCEPT': return `accepts the offer ${String(b.offer).slice(0, 12)}…`
    case 'COMMIT': return `signs the agreement ${String(b.agreement).slice(0, 12)}…`
    case 'CONFIRM': return `${String(b.obligation)}${b.note !== undefined ? `: "${String(b.note)}"` : ''}`
    case 'INFORM': return `"${String(b.text)}"`
    case 'QUERY': return `"${String(b.question)}"`
    case 'DELEGATE': return `to ${String(b.agent)}`
    default: return b.reason !== undefined ? `"${String(b.reason)}"` : ''
  }
}

/** Message lines with the phase each message left its session in (session.phase follows its message). */
function messageLines (events: ApiEvent[], net: DemoNetwork): Line[] {
  const lines: Line[] = []
  const phase = new Map<string, string>()
  const lastOf = new Map<string, Line>()
  for (const e of events) {
    if (e.type === 'session.phase') {
      const d = e.data as { session: string, to: string }
      phase.set(d.session, d.to)
      const last = lastOf.get(d.session)
      if (last !== undefined) last.state = d.to
      continue
    }
    const m = messageOf(e)
    if (m === undefined) continue
    const party = (p: { org: string, agent: string }): string => `${net.nameOf(p.org)}/${p.agent}`
    const line: Line = { ts: m.ts, session: m.session, who: party(m.from), to: party(m.to), what: m.type, state: phase.get(m.session) ?? 'negotiating', detail: describe(m) }
    lines.push(line)
    lastOf.set(m.session, line)
  }
  return lines
}

export function timeline (input: { events: ApiEvent[], approvals: ApprovalRecord[], disputes: DisputeView[], deadline: number, net: DemoNetwork }): string[] {
  const { net } = input
  const lines = messageLines(input.events, net)
  for (const a of input.approvals) {
    const ofSession = lines.filter((l) => l.session === a.subject.id)
    // The node itself escalates as it holds the message, and sends the held message once approved.
    const escalate = ofSession.find((l) => l.what === 'ESCALATE' && l.ts >= a.createdAt)
    if (escalate !== undefined) escalate.detail += ' (sent by the node)'
    const decided = a.decisions.at(-1)?.at
    const held = decided === undefined ? undefined : ofSession.find((l) => l.ts >= decided && l.what !== 'ESCALATE')
    if (held !== undefined) held.detail += ' (held until approved, then sent by the node)'
    lines.push({ ts: a.createdAt, who: 'Buyer\'s node', to: 'its people', what: 'approval', state: 'pending', detail: `"${a.summary.replace(/12D3KooW[1-9A-HJ-NP-Za-km-z]+/g, (org) => net.nameOf(org))}"` })
    for (const d of a.decisions) lines.push({ ts: d.at, who: `${d.approver} (Buyer)`, to: 'Buyer\'s node', what: d.decision, state: d.decision === 'approve' ? 'approved' : 'refused', detail: d.note !== undefined ? `"${d.note}"` : '' })
  }
  lines.push({ ts: input.deadline, who: 'Vendor B', to: 'Buyer', what: 'deadline', state: 'overdue', detail: 'the delivery is due: nothing came' })
  for (const d of input.disputes) {
    const { dispute } = d
    lines.push({ ts: dispute.openedAt, who: `${net.nameOf(dispute.claimant)}'s node`, to: 'the network', what: 'DISPUTE', state: 'open', detail: `${dispute.claim} about ${dispute.obligation}, against ${net.nameOf(dispute.respondent)}` })
    for (const v of d.votes) lines.push({ ts: v.at, who: net.nameOf(v.arbiter), to: 'the network', what: 'vote', state: v.outcome, detail: `rule ${v.rule}` })
    for (const v of d.verdicts.slice(0, 1)) lines.push({ ts: v.at, who: 'the arbiters', to: 'the network', what: 'VERDICT', state: v.outcome, detail: `verdict ${v.cid.slice(0, 12)}…, with the quorum's votes` })
  }
  lines.sort((a, b) => a.ts - b.ts)
  const t0 = lines[0]?.ts ?? 0
  const width = (f: (l: Line) => string): number => Math.max(...lines.map((l) => f(l).length))
  const [w1, w2, w3, w4] = [width((l) => l.who), width((l) => l.to), width((l) => l.what), width((l) => l.state)]
  return lines.map((l) => `${`+${((l.ts - t0) / 1000).toFixed(2)}s`.padStart(8)}  ${l.who.padEnd(w1)} -> ${l.to.padEnd(w2)}  ${l.what.padEnd(w3)}  ${l.state.padEnd(w4)}  ${l.detail}`.trimEnd())
}
