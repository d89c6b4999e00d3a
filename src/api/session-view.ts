// A session as the API shows it: the state in JSON, from this org's side.
import type { CID } from '../records/codec.js'
import type { SessionMessage } from '../session/message-kind.js'
import type { SessionState } from '../session/state.js'
import { toJson } from './json.js'
import type { Principal } from './auth.js'

export function ourRole (state: SessionState, org: string): 'initiator' | 'responder' {
  return state.parties.initiator.org === org ? 'initiator' : 'responder'
}

/** The agents of this org a session concerns: who opened or answered it for us, and who speaks now. */
export function ourAgents (state: SessionState, org: string): string[] {
  const role = ourRole(state, org)
  return [...new Set([state.parties[role].agent, state.speakers[role]])]
}

export function sessionJson (state: SessionState, org: string, commitment: string | null): Record<string, unknown> {
  return {
    id: state.id,
    role: ourRole(state, org),
    phase: state.phase,
    seq: state.seq,
    head: state.head.toString(),
    lastTs: state.lastTs,
    parties: state.parties,
    speakers: state.speakers,
    liveOffer: toJson(state.liveOffer),
    agreement: toJson(state.agreement),
    commits: { initiator: state.commits.initiator !== undefined, responder: state.commits.responder !== undefined },
    confirmed: state.confirmed,
    disputed: state.disputed,
    waitingOn: state.waitingOn,
    commitment
  }
}

/** The operator sees every session; an agent those it opened, answered or speaks in for this org. */
export function canSee (principal: Principal, state: SessionState, org: string): boolean {
  return principal.kind === 'operator' || (principal.kind === 'agent' && ourAgents(state, org).includes(principal.name))
}

/** A signed session message in JSON, its fields in the schema's order whatever order it was decoded in. */
export function messageJson (m: SessionMessage, cid: CID): Record<string, unknown> {
  return toJson({
    cid,
    v: m.v,
    type: m.type,
    session: m.session,
    seq: m.seq,
    prev: m.prev,
    from: { org: m.from.org, agent: m.from.agent },
    to: { org: m.to.org, agent: m.to.agent },
    ts: m.ts,
    replyTo: m.replyTo,
    expiresAt: m.expiresAt,
    body: m.body,
    sig: m.sig
  }) as Record<string, unknown>
}
