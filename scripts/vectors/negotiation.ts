// Builds a session's signed messages without the network, for vectors and tests: `send` signs the
// next message and runs it through the state machine (which must accept it); `force` signs it
// without asking the machine, to make transcripts with forbidden steps.
import type { CID } from '../../src/records/codec.js'
import type { Signer } from '../../src/records/ed25519.js'
import { domainSeparated, encodeRecord, signingMessage, signRecord, type SignedRecord } from '../../src/records/record.js'
import { agreementId } from '../../src/session/agreement.js'
import { commitmentKind, commitmentOf, type Commitment } from '../../src/session/commitment-kind.js'
import { apply, COMMITMENT_DOMAIN, open } from '../../src/session/machine.js'
import { sessionMessageKind, type SessionMessage } from '../../src/session/message-kind.js'
import type { Body, MessageType } from '../../src/session/message-types.js'
import { verify } from '../../src/records/ed25519.js'
import type { Role, SessionState } from '../../src/session/state.js'

export type OrgSigner = Signer & { orgId: string }

export interface Extra {
  replyTo?: CID
  expiresAt?: number
  ts?: number
  agent?: string
  session?: string
  /** Signs with this key instead of the sender's (a forged signature). */
  signer?: OrgSigner
  prev?: CID | null
}

export class Negotiation {
  readonly messages: Array<SignedRecord<SessionMessage>> = []
  state: SessionState | undefined

  constructor (
    readonly signers: { initiator: OrgSigner, responder: OrgSigner },
    readonly session: string,
    /** The ts of message n is t0 + n × step unless given. */
    readonly t0: number,
    readonly step = 1000,
    readonly agents = { initiator: 'procurement', responder: 'sales' }
  ) {}

  /** Signs the next message; the state machine must accept it (else it throws its SessionError). */
  send<K extends MessageType> (from: Role, type: K, body: Body<K>, extra: Extra = {}): SignedRecord<SessionMessage> {
    const message = this.sign(from, type, body, extra)
    this.state = this.state === undefined ? open(message.value, message.cid) : apply(this.state, message.value, message.cid, verify)
    this.messages.push(message)
    return message
  }

  /** Signs the next message and appends it without the state machine; the state stays where it was. */
  force<K extends MessageType> (from: Role, type: K, body: Body<K>, extra: Extra = {}): SignedRecord<SessionMessage> {
    const message = this.sign(from, type, body, extra)
    this.messages.push(message)
    return message
  }

  /** The body of a COMMIT by `role` over the accepted agreement (signed by `signer`, by default the role's key). */
  commitBody (role: Role, signer: OrgSigner = this.signers[role]): Body<'COMMIT'> {
    const agreement = this.state?.agreement
    if (agreement == null) throw new Error('nothing accepted')
    const { bytes, cid } = agreementId(agreement.value)
    return { agreement: cid, sig: signer.sign(domainSeparated(COMMITMENT_DOMAIN, bytes)) }
  }

  /** The commitment record both parties' nodes store once the session is committed. */
  commitment (): SignedRecord<Commitment> {
    const s = this.state
    if (s?.agreement == null || s.commits.initiator === undefined || s.commits.responder === undefined) throw new Error('not committed')
    return encodeRecord(commitmentKind, commitmentOf(s.agreement.value, s.agreement.deal, { initiator: s.commits.initiator, responder: s.commits.responder }))
  }

  private sign<K extends MessageType> (from: Role, type: K, body: Body<K>, extra: Extra): SignedRecord<SessionMessage> {
    const to: Role = from === 'initiator' ? 'responder' : 'initiator'
    const speakers = this.state?.speakers ?? this.agents
    const last = this.messages[this.messages.length - 1]
    const seq = this.messages.length + 1
    const unsigned = {
      v: 1 as const,
      type,
      session: extra.session ?? this.session,
      seq,
      prev: extra.prev !== undefined ? extra.prev : (last?.cid ?? null),
      from: { org: this.signers[from].orgId, agent: extra.agent ?? speakers[from] },
      to: { org: this.signers[to].orgId, agent: speakers[to] },
      ts: extra.ts ?? this.t0 + seq * this.step,
      ...(extra.replyTo !== undefined ? { replyTo: extra.replyTo } : {}),
      ...(extra.expiresAt !== undefined ? { expiresAt: extra.expiresAt } : {}),
      body
    }
    if (extra.signer === undefined) return signRecord(sessionMessageKind, unsigned, this.signers[from])
    // A signature by another key than from.org's: signRecord refuses to make one, so sign by hand.
    return encodeRecord(sessionMessageKind, { ...unsigned, sig: extra.signer.sign(signingMessage(sessionMessageKind.name, unsigned)) })
  }
}
