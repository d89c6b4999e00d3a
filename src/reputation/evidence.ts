// The input of the reputation module: typed evidence that later code maps verified records onto.
// Each item carries `id`, the CID of the record it came from. Nothing here is trusted for its
// signatures (they were checked upstream); it is checked for shape, cheaply, because it is hot.
import { ReputationError } from './errors.js'

export type OrgId = string

/** One promise inside a commitment: `obligor` owes something to `beneficiary`. */
export interface Obligation {
  readonly obligor: OrgId
  readonly beneficiary: OrgId
}

/** A dual-signed commitment's public attestation: its obligations and a coarse value class. */
export interface DealEvidence {
  readonly kind: 'deal'
  readonly id: string
  readonly commitment: string
  readonly obligations: readonly Obligation[]
  /** Integer >= 0: the deal is worth about 2^valueClass times the network's smallest value. */
  readonly valueClass: number
  readonly at: number
}

/** A receipt: the beneficiary confirms the obligor met what it owed in the commitment. */
export interface HonoredEvidence {
  readonly kind: 'honored'
  readonly id: string
  readonly commitment: string
  readonly obligor: OrgId
  /** The witness: the beneficiary who signed the receipt. */
  readonly beneficiary: OrgId
  readonly at: number
}

/** A verdict of breach against `obligor`, signed by a quorum of the commitment's arbiters. */
export interface BreachEvidence {
  readonly kind: 'breach'
  readonly id: string
  readonly commitment: string
  readonly obligor: OrgId
  readonly arbiters: readonly OrgId[]
  readonly at: number
}

/** A verdict rejecting `claimant`'s claim against `respondent`: it counts against the claimant. */
export interface DismissedEvidence {
  readonly kind: 'dismissed'
  readonly id: string
  readonly commitment: string
  readonly claimant: OrgId
  readonly respondent: OrgId
  readonly at: number
}

/** A dispute `claimant` opened against `respondent`, with no verdict yet. */
export interface OpenDisputeEvidence {
  readonly kind: 'openDispute'
  readonly id: string
  readonly commitment: string
  readonly claimant: OrgId
  readonly respondent: OrgId
  readonly at: number
}

/** A fork proof: `org` signed two different log entries at `seq`. It counts as a breach. */
export interface ForkEvidence {
  readonly kind: 'fork'
  readonly id: string
  readonly org: OrgId
  readonly seq: number
  readonly at: number
}

export type Evidence = DealEvidence | HonoredEvidence | BreachEvidence | DismissedEvidence | OpenDisputeEvidence | ForkEvidence

export type EvidenceKind = Evidence['kind']

/** What ingesting one item did. `pending`: its deal is not known yet; it counts once the deal arrives. */
export type IngestResult =
  | { readonly status: 'counted' }
  | { readonly status: 'pending' }
  | { readonly status: 'duplicate' }
  | { readonly status: 'ignored', readonly reason: 'self-deal' | 'no-such-obligation' }

export const MAX_OBLIGATIONS = 64

function fail (item: unknown, why: string): never {
  throw new ReputationError('REPUTATION_EVIDENCE_INVALID', `evidence ${why}`, { id: (item as { id?: unknown } | null)?.id })
}

function org (item: unknown, value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0) fail(item, `${field} must be a non-empty org id`)
}

/** Throws REPUTATION_EVIDENCE_INVALID unless `item` has the shape of its kind. */
export function checkEvidence (item: Evidence): void {
  if (typeof item !== 'object' || item === null) fail(item, 'must be an object')
  if (typeof item.id !== 'string' || item.id.length === 0) fail(item, 'id must be a non-empty string')
  if (typeof item.at !== 'number' || !Number.isFinite(item.at)) fail(item, 'at must be a finite number of milliseconds')
  switch (item.kind) {
    case 'deal':
      if (typeof item.commitment !== 'string' || item.commitment.length === 0) fail(item, 'commitment must be a non-empty string')
      if (!Number.isSafeInteger(item.valueClass) || item.valueClass < 0) fail(item, 'valueClass must be an integer >= 0')
      if (!Array.isArray(item.obligations) || item.obligations.length === 0 || item.obligations.length > MAX_OBLIGATIONS) fail(item, `obligations must hold 1 to ${MAX_OBLIGATIONS} entries`)
      for (const o of item.obligations) {
        if (typeof o !== 'object' || o === null) fail(item, 'obligation must be an object')
        org(item, o.obligor, 'obligor')
        org(item, o.beneficiary, 'beneficiary')
      }
      return
    case 'honored':
      if (typeof item.commitment !== 'string' || item.commitment.length === 0) fail(item, 'commitment must be a non-empty string')
      org(item, item.obligor, 'obligor')
      org(item, item.beneficiary, 'beneficiary')
      return
    case 'breach':
      if (typeof item.commitment !== 'string' || item.commitment.length === 0) fail(item, 'commitment must be a non-empty string')
      org(item, item.obligor, 'obligor')
      if (!Array.isArray(item.arbiters) || item.arbiters.length === 0) fail(item, 'arbiters must name at least one signer')
      for (const a of item.arbiters) org(item, a, 'arbiter')
      return
    case 'dismissed':
    case 'openDispute':
      if (typeof item.commitment !== 'string' || item.commitment.length === 0) fail(item, 'commitment must be a non-empty string')
      org(item, item.claimant, 'claimant')
      org(item, item.respondent, 'respondent')
      return
    case 'fork':
      org(item, item.org, 'org')
      if (!Number.isSafeInteger(item.seq) || item.seq < 1) fail(item, 'seq must be a positive integer')
      return
    default:
      fail(item, `kind "${String((item as { kind?: unknown }).kind)}" is unknown`)
  }
}

/** A deal's value weight: min(cap, log2(1 + 2^valueClass)); class 0 weighs 1. */
export function valueWeight (valueClass: number, cap: number): number {
  return Math.min(cap, Math.log2(1 + 2 ** valueClass))
}
