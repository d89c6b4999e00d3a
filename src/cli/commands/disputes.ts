import { callNode } from '../api-client.js'
import { parse, requireString, UsageError } from '../args.js'

const usage = `usage: asp disputes <command> --data-dir DIR [--json]

  asp disputes list --data-dir DIR        every dispute the node knows, with votes and verdicts
  asp disputes open COMMITMENT OBLIGATION --claim missed-deadline|not-as-agreed [--statement TEXT] --data-dir DIR
                                          open a dispute by hand about an obligation owed to this org

The node opens missed-deadline disputes by itself once an obligation is past due plus grace.
Asks the running node of DIR.`

interface DisputeView {
  id: string
  dispute: { claim: string, claimant: string, respondent: string, obligation: string, openedAt: number }
  votes: Array<{ arbiter: string, outcome: string, rule: string }>
  verdicts: Array<{ outcome: string }>
}

export async function run (argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  const { values, positionals } = parse(rest, { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, claim: { type: 'string' }, statement: { type: 'string' } }, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  switch (sub) {
    case 'list': {
      const { disputes } = await callNode(dataDir, 'GET', '/v1/disputes') as { disputes: DisputeView[] }
      if (values.json === true) console.log(JSON.stringify({ disputes }, null, 2))
      else if (disputes.length === 0) console.log('no disputes')
      else {
        for (const d of disputes) {
          const verdict = d.verdicts.map((v) => v.outcome).join('+') || 'pending'
          console.log(`${d.id}  ${d.dispute.claim}  ${d.dispute.obligation}  ${d.dispute.claimant} vs ${d.dispute.respondent}  votes ${d.votes.length}  verdict ${verdict}`)
        }
      }
      return 0
    }
    case 'open': {
      const [commitment, obligation] = positionals
      const claim = requireString(values, 'claim', usage)
      if (commitment === undefined || obligation === undefined) throw new UsageError(`name the commitment and the obligation\n\n${usage}`)
      const statement = typeof values.statement === 'string' ? values.statement : undefined
      const out = await callNode(dataDir, 'POST', '/v1/disputes', { commitment, obligation, claim, ...(statement !== undefined ? { statement } : {}) }) as { cid: string }
      console.log(values.json === true ? JSON.stringify(out, null, 2) : `opened dispute ${out.cid}`)
      return 0
    }
    default:
      throw new UsageError(usage)
  }
}
