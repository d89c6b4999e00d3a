import { callNode } from '../api-client.js'
import { parse, requireString, UsageError } from '../args.js'

const usage = `usage: asp commitments <command> --data-dir DIR [--json]

  asp commitments list --data-dir DIR [--limit N]          the commitments the node knows, newest first, with their outcome
  asp commitments show ID --data-dir DIR                   one commitment: obligations and where each stands
  asp commitments waive ID OBLIGATION --data-dir DIR [--note TEXT]
                                                           release the obligor of an obligation owed to this org

Asks the running node of DIR.`

interface Obligation { id: string, obligor: string, beneficiary: string, dueBy: number, status: string }
interface CommitmentView { id: string, outcome: string, party: boolean, session: string | null, obligations: Obligation[] }

export async function run (argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  const { values, positionals } = parse(rest, { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, note: { type: 'string' }, limit: { type: 'string' } }, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  const print = (value: unknown, text: () => void): number => {
    if (values.json === true) console.log(JSON.stringify(value, null, 2))
    else text()
    return 0
  }
  switch (sub) {
    case 'list': {
      const limit = typeof values.limit === 'string' ? values.limit : '1000'
      if (!/^[0-9]+$/.test(limit)) throw new UsageError(`--limit takes a whole number\n\n${usage}`)
      const { commitments } = await callNode(dataDir, 'GET', `/v1/commitments?limit=${limit}`) as { commitments: CommitmentView[] }
      return print({ commitments }, () => {
        if (commitments.length === 0) console.log('no commitments yet')
        for (const c of commitments) console.log(`${c.id}  ${c.outcome.padEnd(9)}  ${c.party === true ? 'party' : 'observed'}  ${c.obligations.map((o) => `${o.id}:${o.status}`).join(' ')}`)
      })
    }
    case 'show': {
      const id = positionals[0]
      if (id === undefined) throw new UsageError(`name the commitment\n\n${usage}`)
      const c = await callNode(dataDir, 'GET', `/v1/commitments/${encodeURIComponent(id)}`) as CommitmentView
      return print(c, () => {
        console.log(`commitment ${c.id}: ${c.outcome}${c.session !== null ? ` (session ${c.session})` : ''}`)
        for (const o of c.obligations) console.log(`  ${o.id.padEnd(12)} ${o.status.padEnd(9)} due ${new Date(o.dueBy).toISOString()}  ${o.obligor} -> ${o.beneficiary}`)
      })
    }
    case 'waive': {
      const [id, obligation] = positionals
      if (id === undefined || obligation === undefined) throw new UsageError(`name the commitment and the obligation\n\n${usage}`)
      const note = typeof values.note === 'string' ? values.note : undefined
      const out = await callNode(dataDir, 'POST', `/v1/commitments/${encodeURIComponent(id)}/waive`, { obligation, ...(note !== undefined ? { note } : {}) }) as { cid: string }
      return print(out, () => console.log(`waived ${obligation}: receipt ${out.cid}`))
    }
    default:
      throw new UsageError(usage)
  }
}
