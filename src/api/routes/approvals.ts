// Handlers of the approvals' endpoints. The operator sees and decides every approval; an agent sees
// those of its sessions (a held message of its own, or of a session it speaks in), read only.
import type { ApprovalView } from '../../policy/approvals.js'
import { ApprovalError } from '../../policy/errors.js'
import { SESSION_SUBJECT, type HeldMessage } from '../../policy/session-approvals.js'
import type { Principal } from '../auth.js'
import type { ApiContext } from '../context.js'
import { approvalEndpoints as e } from '../contract/approvals.js'
import { route, type Route } from '../route.js'
import { canSee } from '../session-view.js'

export function approvalRoutes (ctx: ApiContext): Route[] {
  const { node } = ctx
  const { approvals } = node.guardrails
  const visible = (principal: Principal, view: ApprovalView): boolean => {
    if (principal.kind === 'operator') return true
    if (principal.kind !== 'agent' || view.subject.kind !== SESSION_SUBJECT) return false
    const state = node.sessions.state(view.subject.id)
    return (state !== undefined && canSee(principal, state, node.key.orgId)) ||
      (approvals.payloadOf(view.id) as Partial<HeldMessage> | undefined)?.agent === principal.name
  }
  return [
    route(e.listApprovals, async ({ query, principal }) => ({
      approvals: approvals.list(query.status).filter((a) => visible(principal, a) && (query.session === undefined || (a.subject.kind === SESSION_SUBJECT && a.subject.id === query.session)))
    })),
    route(e.getApproval, async ({ params, principal }) => {
      const view = approvals.get(params.id)
      if (view === undefined || !visible(principal, view)) throw new ApprovalError('APPROVAL_NOT_FOUND', `no approval ${params.id}`)
      return view
    }),
    route(e.decideApproval, async ({ params, body }) => approvals.decide(params.id, body.approver, body.decision, body.note))
  ]
}
