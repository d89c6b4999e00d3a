/* eslint-disable no-console -- an example agent prints what it does */
// A seller agent that uses nothing but fetch: it publishes its card, waits for a REQUEST, offers
// terms, commits to the accepted agreement, and confirms the payment once it is in.
//
//   ASP_URL=http://127.0.0.1:7450 ASP_TOKEN=<token from "asp agent add sales"> node dist/examples/seller-agent.js
const url = process.env.ASP_URL ?? 'http://127.0.0.1:7450'
const token = process.env.ASP_TOKEN ?? ''

let keys = 0
async function api (method: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  // One Idempotency-Key per intended action, kept across retries: a retry never acts twice.
  if (method !== 'GET') headers['idempotency-key'] = `seller-${process.pid}-${++keys}`
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const json: any = await res.json() // eslint-disable-line @typescript-eslint/no-explicit-any
    if (res.ok) return json
    // Both sides spoke at once (the other side's message went first), or ours is still in flight: try again.
    if (['SESSION_CONFLICT', 'SESSION_BUSY'].includes(json.code) && attempt < 5) {
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt))
      continue
    }
    throw new Error(`${method} ${path}: ${json.code} ${json.detail ?? ''}`)
  }
}

/** Polls the agent's events until one matches (an SSE stream at /v1/events works too). */
let after = '0'
async function waitFor (match: (e: any) => boolean): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  for (;;) {
    const { events } = await api('GET', `/v1/events/list?after=${after}`)
    for (const e of events) {
      after = e.id
      if (match(e)) return e
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

await api('POST', '/v1/cards', { capabilities: ['sell:gpu-hours'], summary: 'A100 GPU hours, by the hour' })
console.log('card published; waiting for a request')

const request = await waitFor((e) => e.type === 'message.received' && e.data.message.type === 'REQUEST')
const session = request.data.session
console.log(`request in session ${session}: ${request.data.message.body.description}`)

const day = 86_400_000
const now = Date.now()
await api('POST', `/v1/sessions/${session}/messages`, {
  type: 'PROPOSE',
  body: {
    terms: {
      item: 'gpu-hours',
      quantity: 500,
      unit: 'hour',
      unitPrice: { amount: 4000, currency: 'EUR' },
      total: { amount: 2_000_000, currency: 'EUR' },
      deliveryBy: now + 3 * day,
      paymentBy: now + 30 * day,
      obligations: [
        { id: 'deliver', obligor: 'responder', what: 'make 500 A100 hours available', dueBy: now + 3 * day },
        { id: 'pay', obligor: 'initiator', what: 'pay 20,000.00 EUR', dueBy: now + 30 * day }
      ],
      arbiters: [],
      quorum: 0
    }
  }
})
console.log('offer sent')

await waitFor((e) => e.type === 'session.phase' && e.data.session === session && e.data.to === 'accepted')
const accepted = await api('GET', `/v1/sessions/${session}`)
await api('POST', `/v1/sessions/${session}/messages`, { type: 'COMMIT', body: { agreement: accepted.agreement.cid } })
console.log('committed')

const signed = await waitFor((e) => e.type === 'commitment.signed' && e.data.session === session)
console.log(`commitment ${signed.data.commitment} signed by both`)

// Here the seller would make the GPU hours available; then it waits for the buyer's payment.
await waitFor((e) => e.type === 'message.received' && e.data.session === session && e.data.message.type === 'CONFIRM')
const done = await api('POST', `/v1/sessions/${session}/messages`, { type: 'CONFIRM', body: { obligation: 'pay', note: 'payment received' } })
console.log(`session ${session}: ${done.phase}`)
