// Act 2: the vendors' agents publish their cards; the buyer's agent finds both through the DHT,
// and the buyer's node says how far it trusts each of them.
import { commandLine, json } from './cli.js'
import type { Cast } from './setup.js'
import { check, note, ok, step, waitFor } from './steps.js'

export interface Score {
  subject: string
  score: number
  standing: string
  deals: number
  honored: number
  breached: number
  openDisputes: number
}

export async function scoreOf (dataDir: string, subject: string): Promise<{ args: string[], score: Score }> {
  const args = ['reputation', subject, '--data-dir', dataDir, '--json']
  return { args, score: await json<Score>(args) }
}

export function scoreLine (s: Score): string {
  return `${s.deals} deal${s.deals === 1 ? '' : 's'}, ${s.honored} honored, ${s.breached} breached, score ${Math.round(s.score)}/100 (${s.standing})`
}

export async function publishAndDiscover (cast: Cast): Promise<void> {
  const { buyer, vendorA, vendorB, net } = cast
  await step('Vendor A and vendor B publish their sales agents\' cards: sell:gpu-hours (POST /v1/cards)', async () => {
    for (const [agent, summary] of [[vendorA, 'A100 GPU hours, by the hour, EU data centers'], [vendorB, 'GPU hours on demand, fast delivery']] as const) {
      const card = await agent.client.call('publishCard', { body: { capabilities: ['sell:gpu-hours'], summary } })
      check(card.agent === 'sales' && card.capabilities.includes('sell:gpu-hours'), `${agent.org}'s card does not offer sell:gpu-hours`)
      note(`${agent.org}: card ${card.cid.slice(0, 16)}…  signed by ${net.nameOf(card.org)}'s org key, gossiped and provided in the DHT`)
    }
  })
  await step('The buyer\'s procurement agent needs 500 GPU hours: it finds both vendors through the DHT (GET /v1/discover)', async () => {
    const wanted = [cast.vendorANode.orgId, cast.vendorBNode.orgId]
    const found = await waitFor('both vendors in the buyer\'s discovery results', async () => {
      const { agents } = await buyer.client.call('discover', { query: { capability: 'sell:gpu-hours' } })
      return wanted.every((org) => agents.some((a) => a.org === org && a.agent === 'sales')) ? agents : undefined
    }, { timeoutMs: 30_000, intervalMs: 500 })
    for (const a of found) note(`${net.nameOf(a.org).padEnd(9)} ${a.agent}: "${a.summary}" (card verified: signed by ${a.org.slice(0, 16)}…)`)
    ok('both vendors found, each card checked against the org that served it')
    note('What the buyer\'s node knows of them (its own view of reputation, computed from its log):')
    for (const org of wanted) {
      const { args, score } = await scoreOf(cast.buyerNode.dir, org)
      note(`${commandLine(args)}\n    ${net.nameOf(org)}: ${scoreLine(score)}`)
    }
    note('Strangers both: no deal with anyone yet, so each starts at the prior.')
  })
}
