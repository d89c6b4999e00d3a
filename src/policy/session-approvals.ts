// Approvals of held session messages (subject kind "session"): approved, the node sends the held
// message; refused, it ends this side's part of the deal (REJECT while negotiating, CANCEL once
// accepted), so the other party is not left waiting. Either way the side is unblocked afterwards.
import { z } from 'zod'
import { link, timestamp, identifier, orgId } from '../records/schema-types.js'
import type { Outgoing, SessionManager } from '../session/manager.js'
import { MESSAGE_TYPES } from '../session/message-types.js'
import type { ApprovalHandler, ApprovalView } from './approvals.js'

export const SESSION_SUBJECT = 'session'

export const REFUSAL_REASON = 'refused by this organization\'s people'

/** The payload of a session approval: the message the agent asked to send. */
export const heldMessageSchema = z.strictObject({
  v: z.literal(1),
  agent: identifier,
  counterparty: orgId,
  terms: z.string().describe('CID (string) of the canonical encoding of the terms at stake.'),
  reasons: z.array(z.enum(['always', 'above', 'new-counterparty'])),
  message: z.strictObject({
    type: z.enum(MESSAGE_TYPES),
    body: z.unknown(),
    replyTo: link.optional(),
    expiresAt: timestamp.optional()
  })
})

export type HeldMessage = z.infer<typeof heldMessageSchema>

export function sessionApprovals (sessions: () => SessionManager, org: string): ApprovalHandler {
  const waitingOnUs = (session: string): boolean => {
    const state = sessions().state(session)
    if (state === undefined) return false
    return state.waitingOn === (state.parties.initiator.org === org ? 'initiator' : 'responder')
  }
  return {
    async decided (view: ApprovalView, payload: unknown): Promise<void> {
      const held = heldMessageSchema.parse(payload)
      const manager = sessions()
      const session = view.subject.id
      manager.approve(session)
      if (view.status === 'approved') {
        await manager.send(session, held.message as Outgoing)
        return
      }
      const phase = manager.state(session)?.phase
      if (phase === 'negotiating') await manager.send(session, { type: 'REJECT', body: { reason: REFUSAL_REASON } })
      else if (phase === 'accepted') await manager.send(session, { type: 'CANCEL', body: { reason: REFUSAL_REASON } })
    },
    // The decision was carried out once this side spoke after its ESCALATE.
    settled: (view) => !waitingOnUs(view.subject.id)
  }
}
