// The agreement both parties sign with COMMIT. It is split in two so that the network can check a
// commitment without learning its terms: the agreement itself is public (parties, obligations with
// deadlines, arbiters, a coarse value class) and names the private deal terms only by their CID.
// Both sides build it the same way from the transcript, so both sign the same bytes.
import { cidOf, encode, type CID } from '../records/codec.js'
import type { Terms } from './terms.js'

/** What stays between the parties (and the arbiters of a dispute): the accepted offer in full. */
export interface DealTerms {
  v: 1
  session: string
  /** CID of the accepted PROPOSE or COUNTER message. */
  offer: CID
  terms: Terms
}

export interface PublicObligation { id: string, obligor: string, beneficiary: string, dueBy: number }

export interface Agreement {
  v: 1
  /** CID of the DealTerms. The session id and the offer's CID in them are unguessable, so the CID reveals nothing. */
  deal: CID
  parties: { initiator: string, responder: string }
  obligations: PublicObligation[]
  arbiters: string[]
  quorum: number
  /** floor(log10(total in major units)), 0 below 10: coarse enough to say nothing of the price. */
  valueClass: number
  /** When the offer was accepted: the ACCEPT message's ts. */
  at: number
}

/** Decades of major units (amounts are in minor units, taken as hundredths): 0 below 10, 1 below 100, … */
export function valueClassOf (totalMinorUnits: number): number {
  let units = Math.floor(totalMinorUnits / 100)
  let valueClass = 0
  while (units >= 10) {
    units = Math.floor(units / 10)
    valueClass++
  }
  return valueClass
}

export function agreementFor (deal: DealTerms, parties: { initiator: string, responder: string }, at: number): Agreement {
  const { terms } = deal
  const orgOf = (role: 'initiator' | 'responder'): string => parties[role]
  return {
    v: 1,
    deal: dealId(deal),
    parties: { initiator: parties.initiator, responder: parties.responder },
    obligations: terms.obligations.map((o) => ({ id: o.id, obligor: orgOf(o.obligor), beneficiary: orgOf(o.obligor === 'initiator' ? 'responder' : 'initiator'), dueBy: o.dueBy })),
    arbiters: terms.arbiters,
    quorum: terms.quorum,
    valueClass: valueClassOf(terms.total.amount),
    at
  }
}

export function dealId (deal: DealTerms): CID {
  return cidOf(encode(deal))
}

/**
 * Remembered per agreement object: a session's state keeps one agreement from ACCEPT on and every
 * COMMIT, commitment and attestation asks for its bytes again. Agreements are never mutated.
 */
const ids = new WeakMap<Agreement, { bytes: Uint8Array, cid: CID }>()

/** The agreement's canonical bytes and CID: what each COMMIT signature covers. The CID is the commitment's id. */
export function agreementId (agreement: Agreement): { bytes: Uint8Array, cid: CID } {
  let id = ids.get(agreement)
  if (id === undefined) {
    const bytes = encode(agreement)
    id = { bytes, cid: cidOf(bytes) }
    ids.set(agreement, id)
  }
  return id
}
