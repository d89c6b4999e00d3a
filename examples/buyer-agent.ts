/* eslint-disable no-console -- an example agent prints what it does */
// A buyer agent that uses nothing but fetch: it finds a seller of GPU hours, asks, accepts the
// offer if the price is right, commits, and confirms the delivery.
//
//   ASP_URL=http://127.0.0.1:7450 ASP_TOKEN=<token from "asp agent add procurement"> node dist/examples/buyer-agent.js
const url = process.env.ASP_URL ?? 'http://127.0.0.1:7450'
const token = process.env.ASP_TOKEN ?? ''
const maxTotal = Number(process.env.MAX_TOTAL_CENTS ?? 2_500_000)

let keys = 0
async function api (method: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  // One Idempotency-Key per intended action, kept across retries: a retry never acts twice.
  if (method !== 'GET') headers['idempotency-key'] = `buyer-${process.pid}-${++keys}`
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

// 1. Discovery: verified cards of other orgs' agents that sell GPU hours.
let sellers: any[] = [] // eslint-disable-line @typescript-eslint/no-explicit-any
while (sellers.length === 0) {
  sellers = (await api('GET', '/v1/discover?capability=sell:gpu-hours')).agents
  if (sellers.length === 0) await new Promise((resolve) => setTimeout(resolve, 500))
}
const seller = sellers[0]
console.log(`found ${seller.agent} of ${seller.org}`)

// 2. Open a session with a REQUEST.
const opened = await api('POST', '/v1/sessions', {
  to: { org: seller.org, agent: seller.agent },
  message: { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: '500 GPU hours this week' } }
})
const session = opened.id
console.log(`session ${session} opened`)

// 3. Wait for an offer and judge it.
await waitFor((e) => e.type === 'message.received' && e.data.session === session && ['PROPOSE', 'COUNTER'].includes(e.data.message.type))
const state = await api('GET', `/v1/sessions/${session}`)
const offer = state.liveOffer
if (offer.terms.total.amount > maxTotal) {
  await api('POST', `/v1/sessions/${session}/messages`, { type: 'REJECT', body: { reason: 'over budget' } })
  console.log('offer rejected: over budget')
  process.exit(1)
}

// 4. Accept, then commit to the agreement (the node signs it with the org key).
const accepted = await api('POST', `/v1/sessions/${session}/messages`, { type: 'ACCEPT', body: { offer: offer.cid } })
await api('POST', `/v1/sessions/${session}/messages`, { type: 'COMMIT', body: { agreement: accepted.agreement.cid } })
const signed = await waitFor((e) => e.type === 'commitment.signed' && e.data.session === session)
console.log(`commitment ${signed.data.commitment} signed by both`)

// 5. The GPU hours arrived (here the buyer would check): confirm the seller's obligation.
await api('POST', `/v1/sessions/${session}/messages`, { type: 'CONFIRM', body: { obligation: 'deliver' } })
await waitFor((e) => e.type === 'session.phase' && e.data.session === session && e.data.to === 'fulfilled')
const closed = await api('POST', `/v1/sessions/${session}/messages`, { type: 'CLOSE', body: { reason: 'done' } })
console.log(`session ${session}: ${closed.phase}`)
