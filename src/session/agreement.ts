// The agreement both parties sign with COMMIT: the accepted terms with roles resolved to orgs.
// Built the same way on both sides from the transcript, so both sign the same bytes.
import { cidOf, encode, type CID } from '../records/codec.js'
import type { Party } from './message-kind.js'
import type { Terms } from './terms.js'

export interface Agreement {
  v: 1
  session: string
  offer: CID
  parties: { initiator: string, responder: string }
  terms: Terms
  obligations: Array<{ id: string, obligor: string, beneficiary: string, what: string, dueBy: number }>
  arbiters: string[]
  quorum: number
}

export function agreementFor (session: string, offer: CID, terms: Terms, initiator: Party, responder: Party): Agreement {
  const org = (role: 'initiator' | 'responder'): string => (role === 'initiator' ? initiator.org : responder.org)
  return {
    v: 1,
    session,
    offer,
    parties: { initiator: initiator.org, responder: responder.org },
    terms,
    obligations: terms.obligations.map((o) => ({ id: o.id, obligor: org(o.obligor), beneficiary: org(o.obligor === 'initiator' ? 'responder' : 'initiator'), what: o.what, dueBy: o.dueBy })),
    arbiters: terms.arbiters,
    quorum: terms.quorum
  }
}

/** The agreement's canonical bytes and CID: what each COMMIT signature covers. */
export function agreementId (agreement: Agreement): { bytes: Uint8Array, cid: CID } {
  const bytes = encode(agreement)
  return { bytes, cid: cidOf(bytes) }
}
