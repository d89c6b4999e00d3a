import { userInfo } from 'node:os'
import type { ApprovalView } from '../../policy/approvals.js'
import { callNode } from '../api-client.js'
import { parse, requireString, UsageError } from '../args.js'

const usage = `usage: asp approvals [list] --data-dir DIR [--status pending|approved|refused|all] [--json]
       asp approvals approve ID --data-dir DIR [--as NAME] [--note TEXT]
       asp approvals refuse ID --data-dir DIR [--as NAME] [--note TEXT]

Lists the approvals of the running node (pending ones by default), or decides one. Each decision is
recorded in the log under the approver's name (--as, by default the login name); an approval needs
as many distinct approvers as the policy says, and one refusal refuses it.`

export async function run (argv: string[]): Promise<number> {
  const sub = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : 'list'
  const rest = sub === argv[0] ? argv.slice(1) : argv
  const { values, positionals } = parse(rest, {
    'data-dir': { type: 'string' },
    status: { type: 'string' },
    json: { type: 'boolean' },
    as: { type: 'string' },
    note: { type: 'string' }
  }, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  if (sub === 'list') {
    const status = typeof values.status === 'string' ? values.status : 'pending'
    if (!['pending', 'approved', 'refused', 'all'].includes(status)) throw new UsageError(`--status is pending, approved, refused or all\n\n${usage}`)
    const { approvals } = await callNode(dataDir, 'GET', status === 'all' ? '/v1/approvals' : `/v1/approvals?status=${status}`) as { approvals: ApprovalView[] }
    if (values.json === true) console.log(JSON.stringify(approvals, null, 2))
    else if (approvals.length === 0) console.log(`no ${status === 'all' ? '' : status + ' '}approvals`)
    else for (const a of approvals) printApproval(a)
    return 0
  }
  if (sub !== 'approve' && sub !== 'refuse') throw new UsageError(usage)
  const id = positionals[0]
  if (id === undefined) throw new UsageError(`name the approval ID (asp approvals list shows them)\n\n${usage}`)
  const approver = typeof values.as === 'string' ? values.as : userInfo().username
  const view = await callNode(dataDir, 'POST', `/v1/approvals/${encodeURIComponent(id)}/decisions`, {
    approver,
    decision: sub,
    ...(typeof values.note === 'string' ? { note: values.note } : {})
  }) as ApprovalView
  if (values.json === true) console.log(JSON.stringify(view, null, 2))
  else printApproval(view)
  return view.outcome?.ok === false ? 1 : 0
}

function printApproval (a: ApprovalView): void {
  const approvals = new Set(a.decisions.filter((d) => d.decision === 'approve').map((d) => d.approver)).size
  console.log(`${a.id}  ${a.status} (${approvals}/${a.quorum} approvals)  ${new Date(a.createdAt).toISOString()}`)
  console.log(`  ${a.summary}`)
  for (const d of a.decisions) console.log(`  ${d.decision === 'approve' ? 'approved' : 'refused'} by ${d.approver} at ${new Date(d.at).toISOString()}${d.note !== undefined ? `: ${d.note}` : ''}`)
  if (a.outcome !== undefined) console.log(a.outcome.ok ? '  carried out' : `  not carried out: ${a.outcome.code}: ${a.outcome.message}`)
}
