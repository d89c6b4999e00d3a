// A fork proof: two records signed by one author that claim different entries at one seq.
// It carries no signature of its own; the two signed records inside prove it.
import { z } from 'zod'
import { RecordError } from '../../errors.js'
import { bytesEqual, type CID } from '../codec.js'
import type { RecordKind } from '../kind.js'
import { decodeRecord, encodeRecord, type SignedRecord } from '../record.js'
import { bytes, orgId, positiveInt } from '../schema-types.js'
import { ENTRY_MAX_BYTES, entryKind } from './entry.js'
import { headKind } from './head.js'

const claimSchema = z.strictObject({
  kind: z.enum(['entry', 'head']).describe('How to decode `record`.'),
  record: bytes({ max: ENTRY_MAX_BYTES }).describe('The signed record, in its canonical bytes.')
})

export type Claim = z.infer<typeof claimSchema>

export const forkProofSchema = z.strictObject({
  v: z.literal(1),
  author: orgId.describe('The org that signed both claims.'),
  seq: positiveInt.describe('The seq both claims are about.'),
  a: claimSchema.describe('The claim whose record bytes sort first (bytewise).'),
  b: claimSchema
}).meta({ title: 'fork-proof' })

export type ForkProof = z.infer<typeof forkProofSchema>

interface ClaimedEntry {
  author: string
  seq: number
  /** The entry the claim says stands at `seq`. */
  entry: CID
}

/** Verifies one claim (signature included) and says what it claims. */
export function readClaim (claim: Claim): ClaimedEntry {
  if (claim.kind === 'entry') {
    const entry = decodeRecord(entryKind, claim.record)
    return { author: entry.value.author, seq: entry.value.seq, entry: entry.cid }
  }
  const head = decodeRecord(headKind, claim.record).value
  if (head.cid === null) throw new RecordError('RECORD_NOT_A_FORK', 'a head of an empty log claims no entry')
  return { author: head.author, seq: head.seq, entry: head.cid }
}

function validate (proof: ForkProof): void {
  if (Buffer.compare(proof.a.record, proof.b.record) >= 0) {
    throw new RecordError('RECORD_NOT_A_FORK', 'claim a must sort before claim b, and they must differ')
  }
  const a = readClaim(proof.a)
  const b = readClaim(proof.b)
  if (a.author !== proof.author || b.author !== proof.author) throw new RecordError('RECORD_NOT_A_FORK', 'both claims must be signed by the author')
  if (a.seq !== proof.seq || b.seq !== proof.seq) throw new RecordError('RECORD_NOT_A_FORK', 'both claims must be about the proof\'s seq')
  if (bytesEqual(a.entry.bytes, b.entry.bytes)) throw new RecordError('RECORD_NOT_A_FORK', 'both claims name the same entry')
}

export const forkProofKind: RecordKind<ForkProof> = {
  name: 'fork-proof',
  description: 'Proof that an org signed two different entries for one position of its log.',
  schema: forkProofSchema,
  maxBytes: 2 * ENTRY_MAX_BYTES + 1024,
  signatures: () => [],
  unsigned: (p) => p,
  validate
}

/** Builds the fork proof for two conflicting signed claims; RECORD_NOT_A_FORK if they do not conflict. */
export function buildForkProof (x: Claim, y: Claim): SignedRecord<ForkProof> {
  const [a, b] = Buffer.compare(x.record, y.record) < 0 ? [x, y] : [y, x]
  const claimed = readClaim(a)
  const proof: ForkProof = { v: 1, author: claimed.author, seq: claimed.seq, a, b }
  validate(proof)
  return encodeRecord(forkProofKind, proof)
}
