// A session as the API shows it: the state in JSON, from this org's side.
import type { SessionState } from '../session/state.js'
import { toJson } from './json.js'
import { ourAgents, ourRole } from './session-events.js'
import type { Principal } from './auth.js'

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
  return principal.kind === 'operator' || ourAgents(state, org).includes(principal.name)
}
