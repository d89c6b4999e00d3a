// Sessions on the API: the messages an agent sends (the thirteen types, their bodies reused from
// the session layer with CIDs as strings), and the JSON views of a session and its transcript.
import { z } from 'zod'
import { identifier, orgId, timestamp } from '../../records/schema-types.js'
import { party } from '../../session/message-kind.js'
import { bodySchemas, MESSAGE_TYPES, type MessageType } from '../../session/message-types.js'
import { termsSchema } from '../../session/terms.js'
import { base64Json, cidInput, cidJson } from '../json.js'

/**
 * What an agent writes as a body, per type. Bodies without links are the session layer's own
 * schemas; ACCEPT names the offer by CID string; COMMIT names the agreement by CID string and the
 * node signs it with the org key (an agent holds no key).
 */
export const bodyInputs = {
  ...bodySchemas,
  ACCEPT: z.strictObject({ offer: cidInput.describe('CID of the live offer accepted (state.liveOffer.cid).') }),
  COMMIT: z.strictObject({ agreement: cidInput.describe('CID of the accepted agreement (state.agreement.cid); the node signs it with the org key.') })
} satisfies { [K in MessageType]: z.ZodType }

/** How a body reads in a transcript: links as CID strings, the COMMIT signature in base64. */
export const bodyViews = {
  ...bodySchemas,
  ACCEPT: z.object({ offer: cidJson }),
  COMMIT: z.object({ agreement: cidJson, sig: base64Json })
} satisfies { [K in MessageType]: z.ZodType }

const common = {
  replyTo: cidInput.optional().describe('The message this one answers; a COUNTER names the live offer here.'),
  expiresAt: timestamp.optional().describe('For PROPOSE and COUNTER: the offer cannot be accepted after this time.')
}

function outgoing<K extends MessageType> (type: K): z.ZodObject<{ type: z.ZodLiteral<K>, body: (typeof bodyInputs)[K], replyTo: typeof common.replyTo, expiresAt: typeof common.expiresAt }> {
  return z.strictObject({ type: z.literal(type), body: bodyInputs[type], ...common }) as never
}

/** Any of the thirteen messages, by its type. */
export const outgoingMessage = z.discriminatedUnion('type', MESSAGE_TYPES.map(outgoing) as unknown as [ReturnType<typeof outgoing<'REQUEST'>>, ...Array<ReturnType<typeof outgoing<MessageType>>>])
  .describe('One session message: its type, the body of that type, and optionally replyTo and expiresAt.')

export const FIRST_TYPES = ['REQUEST', 'QUERY', 'INFORM', 'PROPOSE'] as const
/** The first message of a session. */
export const firstMessage = z.discriminatedUnion('type', [outgoing('REQUEST'), outgoing('QUERY'), outgoing('INFORM'), outgoing('PROPOSE')])
  .describe('The message that opens a session: a REQUEST, QUERY, INFORM or PROPOSE.')

export const openSessionBody = z.strictObject({
  agent: identifier.optional().describe('The agent of this org who opens the session. An agent token acts as its agent (omit it or give the same name); the operator names one.'),
  to: party.describe('The other org and its agent, e.g. from discovery.'),
  message: firstMessage
})

export const sessionIdParams = z.strictObject({ id: z.string().regex(/^[a-z2-7]{26}$/).describe('The session id.') })

const role = z.enum(['initiator', 'responder'])
const phase = z.enum(['negotiating', 'accepted', 'committed', 'fulfilled', 'rejected', 'cancelled', 'closed'])

/** The public agreement both COMMITs sign (protocols/commitments.md): parties, obligations, arbiters, no price. */
const agreementView = z.object({
  v: z.literal(1),
  deal: cidJson.describe('CID of the private deal terms (protocols/commitments.md).'),
  parties: z.object({ initiator: orgId, responder: orgId }),
  obligations: z.array(z.object({ id: z.string(), obligor: orgId, beneficiary: orgId, dueBy: timestamp })),
  arbiters: z.array(orgId),
  quorum: z.number().int(),
  valueClass: z.number().int().describe('floor(log10(total in major units)): all the network learns of the value.'),
  at: timestamp.describe('When the offer was accepted.')
}).describe('The public agreement both COMMIT signatures cover.')

const dealView = z.object({
  v: z.literal(1),
  session: z.string(),
  offer: cidJson,
  terms: termsSchema
}).describe('The private deal terms: the accepted offer in full.')

export const sessionView = z.object({
  id: z.string(),
  role: role.describe('This org\'s role in the session.'),
  phase,
  seq: z.number().int().describe('Number of messages so far.'),
  head: cidJson.describe('CID of the last message.'),
  lastTs: timestamp,
  parties: z.object({ initiator: party, responder: party }),
  speakers: z.object({ initiator: identifier, responder: identifier }).describe('The agent speaking for each side now (DELEGATE changes it).'),
  liveOffer: z.object({ cid: cidJson, by: role, terms: termsSchema, expiresAt: timestamp.optional() }).nullable(),
  agreement: z.object({ cid: cidJson.describe('The agreement\'s CID: the commitment\'s id (GET /v1/commitments/{id}).'), value: agreementView, deal: dealView }).nullable(),
  commits: z.object({ initiator: z.boolean(), responder: z.boolean() }).describe('Which sides have sent their COMMIT.'),
  confirmed: z.array(z.string()),
  disputed: z.array(z.string()),
  waitingOn: role.nullable().describe('The side that escalated to its humans and has not spoken since.'),
  commitment: cidJson.nullable().describe('CID of the dual-signed commitment record, once both sides committed.')
}).meta({ title: 'Session' })

const messageBase = z.object({
  cid: cidJson,
  v: z.literal(1),
  type: z.enum(MESSAGE_TYPES),
  session: z.string(),
  seq: z.number().int(),
  prev: cidJson.nullable(),
  from: party,
  to: party,
  ts: timestamp,
  replyTo: cidJson.optional(),
  expiresAt: timestamp.optional(),
  body: z.unknown(),
  sig: base64Json.describe('The sending org\'s Ed25519 signature of the record.')
})

/** A message of a transcript; the body's schema follows the type. */
export const messageViewSchema = z.discriminatedUnion('type', MESSAGE_TYPES.map((type) => messageBase.extend({ type: z.literal(type), body: bodyViews[type] })) as unknown as [typeof messageBase])
  .meta({ title: 'SessionMessage' })

export const transcriptView = z.object({ session: z.string(), messages: z.array(messageViewSchema) })

export const sessionListQuery = z.strictObject({
  phase: phase.optional().describe('Only sessions in this phase.'),
  agent: identifier.optional().describe('Operator only: the sessions of one agent.'),
  limit: z.coerce.number().int().min(1).max(500).default(100)
})

export const sessionList = z.object({ sessions: z.array(sessionView) })

export const commitmentView = z.object({
  cid: cidJson,
  record: base64Json.describe('The commitment record\'s canonical DAG-CBOR bytes, as stored in both logs.'),
  value: z.object({ v: z.literal(1), agreement: agreementView, deal: dealView, sigs: z.object({ initiator: base64Json, responder: base64Json }) })
})
