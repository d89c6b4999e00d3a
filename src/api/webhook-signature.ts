// The webhook signature: header ASP-Signature: t=<unix ms>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>.
// The receiver recomputes it over the raw body, compares in constant time, and refuses a t too far
// from its clock (replays). docs/agents.md shows the same check in a few lines.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'asp-signature'

export function signWebhook (secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`
}

/** True when `header` signs `body` with `secret` and its time is within `toleranceMs` of `now`. */
export function verifyWebhook (secret: string, header: string, body: string, now = Date.now(), toleranceMs = 5 * 60_000): boolean {
  const t = Number(/(?:^|,)t=(\d+)/.exec(header)?.[1])
  const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1]
  if (!Number.isSafeInteger(t) || v1 === undefined || Math.abs(now - t) > toleranceMs) return false
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest()
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'))
}
