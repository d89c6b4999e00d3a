// A verdict: a quorum of arbiters' votes for one outcome of one dispute. It carries no signature of
// its own (anyone holding the votes may assemble it); it carries every record needed to check it
// alone: the commitment's attestation (which names the arbiters and the quorum both parties signed),
// the dispute, and the votes. A verdict is believed only if all of them verify and agree.
import { z } from 'zod'
import { RecordError } from '../errors.js'
import type { CID } from '../records/codec.js'
import type { RecordKind } from '../records/kind.js'
import { decodeRecord, encodeRecord, type SignedRecord } from '../records/record.js'
import { bytes } from '../records/schema-types.js'
import { attestationKind, commitmentIdOf, type Attestation } from '../commitments/attestation-kind.js'
import { disputeKind, type Dispute } from './dispute-kind.js'
import { OUTCOMES, voteKind, type Vote, type VerdictOutcome } from './vote-kind.js'

export const verdictSchema = z.strictObject({
  v: z.literal(1),
  outcome: z.enum(OUTCOMES),
  attestation: bytes({ max: attestationKind.maxBytes }).describe('The commitment\'s attestation record, in its canonical bytes.'),
  dispute: bytes({ max: disputeKind.maxBytes }).describe('The dispute record, in its canonical bytes.'),
  votes: z.array(bytes({ max: voteKind.maxBytes })).min(1).max(15).describe('Vote records, in canonical bytes, sorted by arbiter, one per arbiter.')
}).meta({ title: 'verdict' })

export type Verdict = z.infer<typeof verdictSchema>

export interface ReadVerdict {
  outcome: VerdictOutcome
  attestation: SignedRecord<Attestation>
  dispute: SignedRecord<Dispute>
  votes: Array<SignedRecord<Vote>>
  commitment: CID
  /** The latest vote's time: when the quorum was reached. */
  at: number
}

const invalid = (message: string): never => { throw new RecordError('RECORD_INVALID', `verdict: ${message}`) }

/** Verdicts already read, by the decoded value: a verdict is read at its check, judged, indexed and scored, verified once. */
const read = new WeakMap<Verdict, ReadVerdict>()

/** Verifies every record inside a verdict and that they agree; RecordError otherwise. */
export function readVerdict (verdict: Verdict): ReadVerdict {
  let known = read.get(verdict)
  if (known === undefined) read.set(verdict, known = checkVerdict(verdict))
  return known
}

function checkVerdict (verdict: Verdict): ReadVerdict {
  const attestation = decodeRecord(attestationKind, verdict.attestation)
  const dispute = decodeRecord(disputeKind, verdict.dispute)
  const commitment = commitmentIdOf(attestation.value)
  const { agreement } = attestation.value
  const d = dispute.value
  if (!d.commitment.equals(commitment)) invalid('the dispute is about another commitment')
  const obligation = agreement.obligations.find((o) => o.id === d.obligation)
  if (obligation === undefined || obligation.obligor !== d.respondent || obligation.beneficiary !== d.claimant) invalid('the dispute does not match an obligation of the commitment')
  if (agreement.quorum < 1) invalid('the commitment names no arbiters')
  const votes = verdict.votes.map((b) => decodeRecord(voteKind, b))
  let last = ''
  for (const { value: vote } of votes) {
    if (vote.arbiter <= last) invalid('votes must be sorted by arbiter, one each')
    last = vote.arbiter
    if (!agreement.arbiters.includes(vote.arbiter)) invalid(`${vote.arbiter} is not an arbiter of the commitment`)
    if (!vote.dispute.equals(dispute.cid) || !vote.commitment.equals(commitment) || vote.obligation !== d.obligation) invalid('a vote is about another dispute')
    if (vote.outcome !== verdict.outcome) invalid('a vote is for another outcome')
  }
  if (votes.length < agreement.quorum) invalid(`${votes.length} votes, quorum ${agreement.quorum}`)
  return { outcome: verdict.outcome, attestation, dispute, votes, commitment, at: Math.max(...votes.map((v) => v.value.at)) }
}

export const verdictKind: RecordKind<Verdict> = {
  name: 'verdict',
  description: 'A quorum of arbiter votes for one outcome of a dispute, with the attestation and the dispute they rest on.',
  schema: verdictSchema,
  maxBytes: attestationKind.maxBytes + disputeKind.maxBytes + 15 * voteKind.maxBytes + 1024,
  signatures: () => [],
  unsigned: (v) => v,
  validate: (v) => { readVerdict(v) }
}

/** Assembles a verdict from a quorum of votes (sorted here); RecordError if they do not make one. */
export function buildVerdict (attestation: SignedRecord<Attestation>, dispute: SignedRecord<Dispute>, votes: Array<SignedRecord<Vote>>): SignedRecord<Verdict> {
  const sorted = [...votes].sort((a, b) => a.value.arbiter < b.value.arbiter ? -1 : a.value.arbiter > b.value.arbiter ? 1 : 0)
  const outcome = sorted[0]?.value.outcome ?? invalid('no votes')
  const verdict: Verdict = { v: 1, outcome, attestation: attestation.bytes, dispute: dispute.bytes, votes: sorted.map((v) => v.bytes) }
  readVerdict(verdict)
  return encodeRecord(verdictKind, verdict)
}
