// A session message: one signed step of a negotiation. A session's messages form their own hash
// chain (prev = CID of the session's previous message), so both parties hold the same transcript.
import { z } from 'zod'
import { singleSignerKind } from '../records/kind.js'
import { identifier, link, orgId, positiveInt, signature, timestamp } from '../records/schema-types.js'
import { bodySchemas, MESSAGE_TYPES, type MessageType } from './message-types.js'

export const party = z.strictObject({ org: orgId, agent: identifier })
export type Party = z.infer<typeof party>

export const sessionMessageSchema = z.strictObject({
  v: z.literal(1),
  type: z.enum(MESSAGE_TYPES),
  session: z.string().regex(/^[a-z2-7]{26}$/).describe('The session id: 16 random bytes, base32 lowercase without padding, chosen by the initiator.'),
  seq: positiveInt.describe('Position in the session, from 1, both parties counted together.'),
  prev: link.nullable().describe('CID of the session\'s previous message; null at seq 1.'),
  from: party,
  to: party,
  ts: timestamp,
  replyTo: link.optional().describe('The message this one answers (an INFORM to a QUERY, a COUNTER to an offer).'),
  expiresAt: timestamp.optional().describe('For offers: after this time the offer cannot be accepted.'),
  body: z.unknown(),
  sig: signature
}).superRefine((m, ctx) => {
  if ((m.seq === 1) !== (m.prev === null)) ctx.addIssue({ code: 'custom', message: 'prev is null at seq 1 and only there', path: ['prev'] })
  if (m.from.org === m.to.org) ctx.addIssue({ code: 'custom', message: 'a session is between two different orgs', path: ['to'] })
  const body = bodySchemas[m.type as MessageType].safeParse(m.body)
  if (!body.success) ctx.addIssue({ code: 'custom', message: `${m.type} body: ${body.error.issues[0]?.message ?? 'invalid'}`, path: ['body', ...(body.error.issues[0]?.path ?? [])] })
}).meta({ title: 'session-message' })

export type SessionMessage = z.infer<typeof sessionMessageSchema>

export const sessionMessageKind = singleSignerKind<SessionMessage>({
  name: 'session-message',
  description: 'One signed message of a negotiation session between two orgs.',
  schema: sessionMessageSchema,
  maxBytes: 32 * 1024,
  signer: (m) => m.from.org
})
