// Does a commitment record belong to a replayed session? First through the commitment kind's own view
// of the record (what its signatures cover, who made them): the value its signatures cover must be
// the agreement the session's COMMITs name, and its signatures exactly those COMMITs' signatures. Then
// the whole record must be the one both parties' nodes build from the session state.
import { bytesEqual, cidOf, encode, type CID } from '../records/codec.js'
import { encodeRecord } from '../records/record.js'
import { commitmentKind, commitmentOf, type Commitment } from './commitment-kind.js'
import type { SessionState } from './state.js'

/** True once both sides' COMMITs are in the state (phase committed, or later). */
export function isCommitted (state: SessionState): boolean {
  return state.agreement !== null && state.commits.initiator !== undefined && state.commits.responder !== undefined
}

/** The CID of what a commitment's signatures cover: for a commitment of the session, the agreement's CID. */
export function signedAgreementCid (commitment: Commitment): CID {
  return cidOf(encode(commitmentKind.unsigned(commitment)))
}

/** Why `commitment` is not the commitment of the committed session `state`, or undefined when it is. */
export function commitmentProblem (state: SessionState, commitment: Commitment): string | undefined {
  if (!isCommitted(state) || state.agreement === null) return 'the session is not committed'
  const signed = signedAgreementCid(commitment).toString()
  const named = state.agreement.cid.toString()
  if (signed !== named) return `the commitment is signed over agreement ${signed}, the session's COMMITs over ${named}`
  const sigs = commitmentKind.signatures(commitment)
  for (const role of ['initiator', 'responder'] as const) {
    const org = state.parties[role].org
    const mine = sigs.filter((s) => s.signer === org)
    const committed = state.commits[role] as Uint8Array
    if (mine.length !== 1 || !bytesEqual(mine[0]?.sig as Uint8Array, committed)) return `the ${role}'s signature is not the one of its COMMIT`
  }
  if (sigs.length !== 2) return `the commitment carries ${sigs.length} signatures, the session two COMMITs`
  // Then the whole record: exactly the one both parties' nodes build from the session (its private
  // deal terms included).
  const built = encodeRecord(commitmentKind, commitmentOf(state.agreement.value, state.agreement.deal, { initiator: state.commits.initiator as Uint8Array, responder: state.commits.responder as Uint8Array }))
  if (!bytesEqual(built.bytes, encode(commitment))) return 'the commitment is not the record the parties build from the session'
  return undefined
}
