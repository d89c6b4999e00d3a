// The thirteen message types of a negotiation session and the body each carries.
import { z } from 'zod'
import { bytes, identifier, link } from '../records/schema-types.js'
import { capability } from '../records/kinds/agent-card.js'
import { termsSchema } from './terms.js'

export const MESSAGE_TYPES = ['REQUEST', 'QUERY', 'INFORM', 'PROPOSE', 'COUNTER', 'ACCEPT', 'REJECT', 'CANCEL', 'COMMIT', 'CONFIRM', 'ESCALATE', 'DELEGATE', 'CLOSE'] as const
export type MessageType = typeof MESSAGE_TYPES[number]

const reason = z.string().max(1024).optional()

/** One body schema per type: the compiler refuses a type without one. */
export const bodySchemas = {
  REQUEST: z.strictObject({ capability, description: z.string().min(1).max(2048) }),
  QUERY: z.strictObject({ question: z.string().min(1).max(2048) }),
  INFORM: z.strictObject({ text: z.string().max(4096), facts: z.record(z.string().max(64), z.string().max(1024)).optional() }),
  PROPOSE: z.strictObject({ terms: termsSchema }),
  COUNTER: z.strictObject({ terms: termsSchema }),
  ACCEPT: z.strictObject({ offer: link.describe('CID of the live offer (a PROPOSE or COUNTER message) accepted.') }),
  REJECT: z.strictObject({ reason }),
  CANCEL: z.strictObject({ reason }),
  COMMIT: z.strictObject({ agreement: link.describe('CID of the agreement the signature covers.'), sig: bytes({ exact: 64 }) }),
  CONFIRM: z.strictObject({ obligation: identifier, note: reason }),
  ESCALATE: z.strictObject({ reason }),
  DELEGATE: z.strictObject({ agent: identifier.describe('The agent of the same org who speaks from now on.') }),
  CLOSE: z.strictObject({ reason })
} satisfies { [K in MessageType]: z.ZodType }

export type Body<K extends MessageType> = z.infer<(typeof bodySchemas)[K]>
