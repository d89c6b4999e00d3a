// A signed head: the author's statement "my log has `seq` entries and the last one is `cid`".
import { z } from 'zod'
import { singleSignerKind } from '../kind.js'
import { link, orgId, signature, timestamp, uint } from '../schema-types.js'

export const headSchema = z.strictObject({
  v: z.literal(1),
  author: orgId,
  seq: uint.describe('Number of entries in the log; 0 for an empty log.'),
  cid: link.nullable().describe('CID of the entry at seq; null when seq is 0.'),
  ts: timestamp.describe('When the head was signed.'),
  sig: signature
}).refine((h) => (h.seq === 0) === (h.cid === null), { message: 'cid is null exactly when seq is 0', path: ['cid'] })
  .meta({ title: 'head' })

export type Head = z.infer<typeof headSchema>

export const headKind = singleSignerKind<Head>({
  name: 'head',
  description: 'A node\'s signed statement of its log\'s length and last entry.',
  schema: headSchema,
  maxBytes: 1024,
  signer: (h) => h.author
})
