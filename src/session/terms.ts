// The structured terms of an offer: typed, so that policies (spending limits, approval thresholds,
// minimum reputation by value) can act on them. Money is in integer minor units (cents) with an
// ISO 4217 currency code.
import { z } from 'zod'
import { identifier, orgId, positiveInt, timestamp, uint } from '../records/schema-types.js'

export const money = z.strictObject({
  amount: uint.describe('Integer minor units (e.g. cents).'),
  currency: z.string().regex(/^[A-Z]{3}$/).describe('ISO 4217 code, e.g. EUR.')
})

export const obligationTerm = z.strictObject({
  id: identifier.describe('Unique within the offer, e.g. "deliver", "pay".'),
  obligor: z.enum(['initiator', 'responder']).describe('Which party owes it; the other party is its beneficiary.'),
  what: z.string().min(1).max(280),
  dueBy: timestamp
})

export const termsSchema = z.strictObject({
  item: z.string().min(1).max(128),
  quantity: positiveInt,
  unit: z.string().min(1).max(32),
  unitPrice: money,
  total: money,
  deliveryBy: timestamp,
  paymentBy: timestamp,
  obligations: z.array(obligationTerm).min(1).max(16),
  arbiters: z.array(orgId).max(15).describe('Orgs that rule on disputes about this deal.'),
  quorum: uint.describe('How many of the arbiters must agree on a verdict.'),
  extras: z.record(z.string().max(64), z.string().max(1024)).optional()
}).refine((t) => t.unitPrice.currency === t.total.currency, { message: 'unit price and total share one currency', path: ['total'] })
  .refine((t) => t.quorum <= t.arbiters.length && (t.arbiters.length === 0 || t.quorum >= 1), { message: 'quorum is between 1 and the number of arbiters', path: ['quorum'] })
  .refine((t) => new Set(t.obligations.map((o) => o.id)).size === t.obligations.length, { message: 'obligation ids are unique', path: ['obligations'] })
  .refine((t) => new Set(t.arbiters).size === t.arbiters.length, { message: 'arbiters are distinct', path: ['arbiters'] })

export type Terms = z.infer<typeof termsSchema>
export type ObligationTerm = z.infer<typeof obligationTerm>
