// A log entry: one step of a node's append-only, hash-chained log (protocols/log.md).
import { z } from 'zod'
import { singleSignerKind } from '../kind.js'
import { identifier, link, orgId, positiveInt, signature, timestamp } from '../schema-types.js'

export const ENTRY_MAX_BYTES = 64 * 1024

export const entrySchema = z.strictObject({
  v: z.literal(1),
  author: orgId.describe('The org whose log this is; it signs the entry.'),
  seq: positiveInt.describe('Position in the log, from 1, without gaps.'),
  prev: link.nullable().describe('CID of the entry at seq - 1; null at seq 1.'),
  ts: timestamp.describe('When the entry was appended; never below the previous entry\'s ts.'),
  kind: identifier.describe('What the body is (protocols/log.md, "Entry kinds").'),
  body: z.unknown().describe('The entry kind\'s body; CID links in it are references.'),
  sig: signature
}).refine((e) => (e.seq === 1) === (e.prev === null), { message: 'prev is null at seq 1 and only there', path: ['prev'] })
  .meta({ title: 'entry' })

export type Entry = z.infer<typeof entrySchema>

export const entryKind = singleSignerKind<Entry>({
  name: 'entry',
  description: 'One entry of a node\'s append-only log, signed by the node\'s org key.',
  schema: entrySchema,
  maxBytes: ENTRY_MAX_BYTES,
  signer: (e) => e.author
})
