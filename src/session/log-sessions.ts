// The sessions recorded in a log, read offline (the data dir of a stopped node): each session's
// messages in log order, replayed through the state machine as a restarting node does, and the
// commitment record the log holds for it.
import { isAspError } from '../errors.js'
import type { Log } from '../log/log.js'
import type { CID } from '../records/codec.js'
import { verify } from '../records/ed25519.js'
import { decodeRecord, type SignedRecord } from '../records/record.js'
import { commitmentKind, type Commitment } from './commitment-kind.js'
import { apply, open } from './machine.js'
import { sessionMessageKind, type SessionMessage } from './message-kind.js'
import type { SessionState } from './state.js'
import { commitmentProblem, isCommitted, signedAgreementCid } from './transcript-commitment.js'

export interface LoggedSession {
  /** The state after the last message the machine accepted. */
  state: SessionState
  messages: Array<SignedRecord<SessionMessage>>
  /** The session's commitment record as the log holds it, once committed. */
  commitment?: SignedRecord<Commitment>
  /** A logged message the machine refused (a damaged log): the session is read up to it. */
  refused?: { seq: number, code: string, message: string }
}

/** Every session of the log (or only `only`), in the order of their first message. */
export async function sessionsInLog (log: Log, only?: string): Promise<Map<string, LoggedSession>> {
  const sessions = new Map<string, LoggedSession>()
  // Commitments by the CID of the agreement their signatures cover, matched to sessions at the end.
  const commitments = new Map<string, Array<SignedRecord<Commitment>>>()
  for await (const entry of log.entries()) {
    const body = entry.value.body as { kind?: string, record?: CID }
    if (entry.value.kind !== 'record' || body.record === undefined) continue
    if (body.kind === sessionMessageKind.name) {
      const bytes = await log.getBlock(body.record)
      if (bytes === undefined) continue
      // The node's own log: its records were checked before they were appended.
      const message = decodeRecord(sessionMessageKind, bytes, { skipSignatures: true })
      if (only !== undefined && message.value.session !== only) continue
      const known = sessions.get(message.value.session)
      if (known?.refused !== undefined) continue
      try {
        if (known === undefined) sessions.set(message.value.session, { state: open(message.value, message.cid), messages: [message] })
        else {
          known.state = apply(known.state, message.value, message.cid, verify)
          known.messages.push(message)
        }
      } catch (err) {
        if (!isAspError(err) || known === undefined) throw err
        known.refused = { seq: message.value.seq, code: err.code, message: err.message }
      }
    } else if (body.kind === commitmentKind.name) {
      const bytes = await log.getBlock(body.record)
      if (bytes === undefined) continue
      const commitment = decodeRecord(commitmentKind, bytes, { skipSignatures: true })
      const key = signedAgreementCid(commitment.value).toString()
      commitments.set(key, [...(commitments.get(key) ?? []), commitment])
    }
  }
  for (const session of sessions.values()) {
    const agreement = session.state.agreement
    if (!isCommitted(session.state) || agreement === null) continue
    const found = commitments.get(agreement.cid.toString())?.find((c) => commitmentProblem(session.state, c.value) === undefined)
    if (found !== undefined) session.commitment = found
  }
  return sessions
}
