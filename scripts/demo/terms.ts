// The terms the demo's agents put on the table: GPU hours at a price per hour, a delivery the vendor
// owes and a payment the buyer owes, each with its deadline, and the arbiters who rule if either
// is missed. Money is in cents.
import type { Terms } from '../../src/session/terms.js'

export type { Terms }

export interface GpuDeal {
  hours: number
  /** Cents per hour. */
  pricePerHour: number
  deliverInMs: number
  payInMs: number
  arbiters: string[]
  quorum: number
}

export function gpuTerms (d: GpuDeal, now = Date.now()): Terms {
  const total = d.hours * d.pricePerHour
  return {
    item: 'gpu-hours',
    quantity: d.hours,
    unit: 'hour',
    unitPrice: { amount: d.pricePerHour, currency: 'EUR' },
    total: { amount: total, currency: 'EUR' },
    deliveryBy: now + d.deliverInMs,
    paymentBy: now + d.payInMs,
    obligations: [
      { id: 'deliver', obligor: 'responder' as const, what: `make ${d.hours} A100 GPU hours available`, dueBy: now + d.deliverInMs },
      { id: 'pay', obligor: 'initiator' as const, what: `pay ${euros(total)}`, dueBy: now + d.payInMs }
    ],
    arbiters: d.arbiters,
    quorum: d.quorum
  }
}

export function euros (cents: number): string {
  return `${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} EUR`
}

/** "500 hours at 48.00 EUR = 24,000.00 EUR" */
export function priceLine (t: { quantity: number, unit: string, unitPrice: { amount: number }, total: { amount: number } }): string {
  return `${t.quantity} ${t.unit}s at ${euros(t.unitPrice.amount)} = ${euros(t.total.amount)}`
}
