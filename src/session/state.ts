// The state of a negotiation session, the same on both sides: a pure function of the transcript.
import type { CID } from '../records/codec.js'
import type { Agreement, DealTerms } from './agreement.js'
import type { Party } from './message-kind.js'
import type { Terms } from './terms.js'

export type Role = 'initiator' | 'responder'

export type Phase =
  | 'negotiating' // talking, offering, countering
  | 'accepted' //    an offer is accepted; the parties COMMIT
  | 'committed' //   both signed: the commitment binds; obligations are being met
  | 'fulfilled' //   every obligation confirmed
  | 'rejected' //    a party walked away
  | 'cancelled' //   a party withdrew before both signatures
  | 'closed' //      ended; nothing more may be sent

export interface Offer {
  cid: CID
  by: Role
  terms: Terms
  expiresAt?: number
}

export interface SessionState {
  id: string
  parties: { initiator: Party, responder: Party }
  /** The agent speaking for each side now (DELEGATE changes it). */
  speakers: { initiator: string, responder: string }
  phase: Phase
  seq: number
  head: CID
  lastTs: number
  /** The offer on the table, if any: the last PROPOSE or COUNTER not yet accepted or withdrawn. */
  liveOffer: Offer | null
  /** Set by ACCEPT: the public agreement, its CID (the commitment's id) and the private terms it names. */
  agreement: { value: Agreement, cid: CID, deal: DealTerms } | null
  commits: { initiator?: Uint8Array, responder?: Uint8Array }
  confirmed: string[]
  /** Obligations under dispute (set by the disputes layer, not by messages). */
  disputed: string[]
  /** The side that escalated to its humans and has not spoken since, if any. */
  waitingOn: Role | null
}

export function other (role: Role): Role {
  return role === 'initiator' ? 'responder' : 'initiator'
}
