// Handlers of the sessions' endpoints. Another agent's session is answered as if it did not
// exist (404), so an agent learns nothing about sessions that are not its own.
import type { CID } from '../../records/codec.js'
import { commitSigningMessage } from '../../session/commitment-kind.js'
import { SessionError } from '../../session/machine.js'
import type { Outgoing } from '../../session/manager.js'
import type { SessionState } from '../../session/state.js'
import { actingAgent, type Principal } from '../auth.js'
import type { ApiContext } from '../context.js'
import { sessionEndpoints as e } from '../contract/sessions.js'
import type { outgoingMessage } from '../contract/session-schemas.js'
import { toJson } from '../json.js'
import { ApiError } from '../problem.js'
import { route, type Route } from '../route.js'
import { canSee, messageJson, ourRole, sessionJson } from '../session-view.js'
import type { z } from 'zod'

export function sessionRoutes (ctx: ApiContext): Route[] {
  const { node } = ctx
  const org = node.key.orgId
  const view = (state: SessionState): never => sessionJson(state, org, node.sessions.commitment(state.id)?.cid.toString() ?? null) as never
  const visible = (principal: Principal, id: string): SessionState => {
    const state = node.sessions.state(id)
    if (state === undefined || !canSee(principal, state, org)) throw new ApiError('API_NOT_FOUND', `no session ${id}`)
    return state
  }

  /** The message as the session layer takes it; a COMMIT is signed here with the org key. */
  const outgoing = (state: SessionState, m: z.output<typeof outgoingMessage>): Outgoing => {
    const extra = { ...(m.replyTo !== undefined ? { replyTo: m.replyTo } : {}), ...(m.expiresAt !== undefined ? { expiresAt: m.expiresAt } : {}) }
    if (m.type !== 'COMMIT') return { type: m.type, body: m.body, ...extra } as Outgoing
    const agreement = state.agreement
    if (agreement === null) throw new SessionError('SESSION_NOT_ALLOWED', 'nothing has been accepted')
    if (!(m.body as { agreement: CID }).agreement.equals(agreement.cid)) throw new SessionError('SESSION_COMMIT_MISMATCH', 'the COMMIT names other terms than the accepted ones')
    const sig = node.key.signer.sign(commitSigningMessage(agreement.value))
    return { type: 'COMMIT', body: { agreement: agreement.cid, sig }, ...extra }
  }

  return [
    route(e.openSession, async ({ body, principal }) => {
      const as = actingAgent(principal, body.agent)
      const { type, body: first, replyTo, expiresAt } = body.message
      return view(await node.sessions.open(as, body.to, { type, body: first, ...(replyTo !== undefined ? { replyTo } : {}), ...(expiresAt !== undefined ? { expiresAt } : {}) } as Outgoing))
    }),
    route(e.listSessions, async ({ query, principal }) => {
      const states = ctx.sessionEvents.ids()
        .map((id) => node.sessions.state(id))
        .filter((s): s is SessionState => s !== undefined && canSee(principal, s, org) &&
          (query.phase === undefined || s.phase === query.phase) &&
          (query.agent === undefined || canSee({ kind: 'agent', name: query.agent }, s, org)))
        .sort((a, b) => b.lastTs - a.lastTs)
        .slice(0, query.limit)
      return { sessions: states.map(view) }
    }),
    route(e.getSession, async ({ params, principal }) => view(visible(principal, params.id))),
    route(e.sendMessage, async ({ params, body, principal }) => {
      const state = visible(principal, params.id)
      const speaker = state.speakers[ourRole(state, org)]
      if (principal.kind === 'agent' && principal.name !== speaker) throw new SessionError('SESSION_WRONG_AGENT', `${speaker} speaks for this org in the session, not ${principal.name}`)
      return view(await node.sessions.send(params.id, outgoing(state, body)))
    }),
    route(e.getTranscript, async ({ params, principal }) => {
      visible(principal, params.id)
      return { session: params.id, messages: node.sessions.transcript(params.id).map((m) => messageJson(m.value, m.cid)) as never }
    }),
    route(e.getCommitment, async ({ params, principal }) => {
      visible(principal, params.id)
      const commitment = node.sessions.commitment(params.id)
      if (commitment === undefined) throw new ApiError('API_NOT_FOUND', `session ${params.id} has no commitment (yet)`)
      return { cid: commitment.cid.toString(), record: Buffer.from(commitment.bytes).toString('base64'), value: toJson(commitment.value) as never }
    })
  ]
}
