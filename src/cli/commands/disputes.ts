import { callNode } from '../api-client.js'
import { parse, requireString, UsageError } from '../args.js'

const usage = `usage: asp disputes <command> --data-dir DIR [--json]

  asp disputes list --data-dir DIR        every dispute the node knows, with votes and verdicts
  asp disputes show ID --data-dir DIR     one dispute: claim, evidence, votes, verdicts
  asp disputes open COMMITMENT OBLIGATION --claim missed-deadline|not-as-agreed [--statement TEXT] [--evidence CID ...] --data-dir DIR
                                          open a dispute by hand about an obligation owed to this org

The node opens missed-deadline disputes by itself once an obligation is past due plus grace.
Asks the running node of DIR.`

interface DisputeView {
  id: string
  commitment: string
  obligation: string
  claim: string
  claimant: string
  respondent: string
  statement?: string
  evidence: string[]
  openedAt: number
  status: string
  votes: Array<{ arbiter: string, outcome: string, rule: string }>
  verdicts: Array<{ outcome: string }>
}

export async function run (argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  const { values, positionals } = parse(rest, { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, claim: { type: 'string' }, statement: { type: 'string' }, evidence: { type: 'string', multiple: true } }, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  switch (sub) {
    case 'list': {
      const { disputes } = await callNode(dataDir, 'GET', '/v1/disputes') as { disputes: DisputeView[] }
      if (values.json === true) console.log(JSON.stringify({ disputes }, null, 2))
      else if (disputes.length === 0) console.log('no disputes')
      else {
        for (const d of disputes) {
          const verdict = d.verdicts.map((v) => v.outcome).join('+') || 'pending'
          console.log(`${d.id}  ${d.claim}  ${d.obligation}  ${d.claimant} vs ${d.respondent}  votes ${d.votes.length}  verdict ${verdict}`)
        }
      }
      return 0
    }
    case 'show': {
      const id = positionals[0]
      if (id === undefined) throw new UsageError(`name the dispute\n\n${usage}`)
      const d = await callNode(dataDir, 'GET', `/v1/disputes/${encodeURIComponent(id)}`) as DisputeView
      if (values.json === true) {
        console.log(JSON.stringify(d, null, 2))
        return 0
      }
      console.log(`dispute ${d.id}: ${d.status}`)
      console.log(`  ${d.claim} about ${d.obligation} of ${d.commitment}, opened ${new Date(d.openedAt).toISOString()}`)
      console.log(`  ${d.claimant} vs ${d.respondent}`)
      if (d.statement !== undefined) console.log(`  statement: ${d.statement}`)
      for (const e of d.evidence) console.log(`  evidence ${e}`)
      for (const v of d.votes) console.log(`  vote ${v.outcome} (${v.rule}) by ${v.arbiter}`)
      return 0
    }
    case 'open': {
      const [commitment, obligation] = positionals
      const claim = requireString(values, 'claim', usage)
      if (commitment === undefined || obligation === undefined) throw new UsageError(`name the commitment and the obligation\n\n${usage}`)
      const statement = typeof values.statement === 'string' ? values.statement : undefined
      const evidence = Array.isArray(values.evidence) ? values.evidence : []
      const out = await callNode(dataDir, 'POST', '/v1/disputes', { commitment, obligation, claim, ...(statement !== undefined ? { statement } : {}), ...(evidence.length > 0 ? { evidence } : {}) }) as DisputeView
      console.log(values.json === true ? JSON.stringify(out, null, 2) : `opened dispute ${out.id}`)
      return 0
    }
    default:
      throw new UsageError(usage)
  }
}
