// Act 5: what happened, told twice: as a timeline of the buyer's sessions, and as the reputation
// each organization's node now gives the others. Then the auditor's part: the nodes stop, every log
// is exported and all the exports are verified together, offline.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { asp, commandLine, json, mustRun } from './cli.js'
import { disputesOn, type BrokenDeal } from './broken-deal.js'
import type { Score } from './discovery.js'
import type { DemoNetwork } from './network.js'
import type { Cast } from './setup.js'
import { check, fail, note, ok, step } from './steps.js'
import { timeline, type ApprovalRecord } from './timeline.js'

export async function printTimeline (cast: Cast, broken: BrokenDeal): Promise<void> {
  await step('Timeline, as the buyer\'s node recorded it (GET /v1/events/list of the procurement agent; approvals and disputes from the CLI)', async () => {
    const [events, approvals, disputes] = await Promise.all([
      cast.buyer.allEvents(),
      json<ApprovalRecord[]>(['approvals', 'list', '--status', 'all', '--data-dir', cast.buyerNode.dir, '--json']),
      disputesOn(cast.buyerNode)
    ])
    const lines = timeline({ events, approvals, disputes: disputes.filter((d) => d.id === broken.dispute.id), deadline: broken.deadline, net: cast.net })
    check(lines.length > 0, 'the buyer\'s agent has no events')
    note(lines.join('\n'))
  })
}

interface Table { observer: string, subjects: Score[] }

export async function printReputation (cast: Cast): Promise<void> {
  const { net } = cast
  await step('Reputation, from each organization\'s point of view (asp reputation --json on every node)', async () => {
    const tables = await Promise.all(net.nodes.map(async (n) => ({ n, table: await json<Table>(['reputation', '--data-dir', n.dir, '--json']) })))
    note(commandLine(['reputation', '--data-dir', 'buyer']) + '   (and on each node)')
    const rows: string[][] = []
    for (const { n, table } of tables) {
      check(table.observer === n.orgId, `${n.name}'s table is another org's view`)
      for (const s of [...table.subjects].sort((a, b) => net.nameOf(a.subject).localeCompare(net.nameOf(b.subject)))) {
        rows.push([n.name, net.nameOf(s.subject), `${s.deals} deal${s.deals === 1 ? '' : 's'}`, `${s.honored} honored`, `${s.breached} breached`, `${s.score.toFixed(1)}/100`, s.standing])
      }
      // Every node learned of vendor A's honored deal and vendor B's breach from the network.
      const score = (org: string): Score | undefined => table.subjects.find((s) => s.subject === org)
      if (n !== cast.vendorANode) check((score(cast.vendorANode.orgId)?.honored ?? 0) >= 1, `${n.name} does not count vendor A's honored deal`)
      if (n !== cast.vendorBNode) check((score(cast.vendorBNode.orgId)?.breached ?? 0) >= 1, `${n.name} does not count vendor B's breach`)
    }
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
    note(rows.map(([observer, ...rest]) => `${(observer ?? '').padEnd(widths[0] ?? 0)} -> ${rest.map((c, i) => (i === 4 ? c.padStart(widths[i + 1] ?? 0) : c.padEnd(widths[i + 1] ?? 0))).join('  ')}`.trimEnd()).join('\n'))
    note(`Scores are capped at 20 until an org is vetted (10 honored deals witnessed by 3 trusted orgs,
protocols/reputation.md); a breach pulls the score down and marks it for good.`)
  })
}

/** The deals whose transcripts the buyer hands the auditor with the logs. */
export interface AuditedSession { session: string, file: string }

export async function exportAndVerify (net: DemoNetwork, sessions: AuditedSession[]): Promise<void> {
  await step('The operators stop their nodes (SIGTERM); each closes its log cleanly', async () => {
    const unclean = await net.stop()
    check(unclean.length === 0, `${unclean.map((n) => n.name).join(', ')} did not stop cleanly (see ${unclean[0]?.outputFile ?? ''})`)
    ok(`all ${net.nodes.length} node processes exited with status 0`)
  })
  await step('Every organization exports its log (asp log export), the buyer both deals\' transcripts (asp session export); an auditor verifies them all together, offline (asp verify)', async () => {
    await mkdir(join(net.folder, 'exports'), { recursive: true })
    const files = await Promise.all(net.nodes.map(async (n) => {
      const file = join('exports', `${n.dir}.car`)
      const args = ['log', 'export', '--data-dir', n.dir, '--out', file]
      const { stdout } = await mustRun(args)
      return { n, file, args, said: stdout.trim() }
    }))
    note(commandLine(files[0]?.args ?? []))
    for (const f of files) note(`  ${f.said.replace(/ to \S+ \(/, ' (')}   [${f.n.name}]`)
    const transcripts = sessions.map((s) => join('exports', s.file))
    for (const [i, s] of sessions.entries()) {
      const args = ['session', 'export', s.session, '--data-dir', 'buyer', '--out', transcripts[i] as string]
      const { stdout } = await mustRun(args)
      note(`${commandLine(args)}\n  ${stdout.trim()}`)
    }
    const args = ['verify', ...files.map((f) => f.file), ...transcripts]
    const result = await asp(args)
    note(commandLine(args))
    note(result.stdout.trimEnd().split('\n').map((l) => `  ${l}`).join('\n'))
    if (result.code !== 0) fail(`asp verify exited with ${result.code}: ${(result.stderr || result.stdout).trim()}`)
    check(/^valid$/m.test(result.stdout), 'asp verify did not say valid')
    ok(`verify OK: ${files.length} logs and ${transcripts.length} transcripts; every entry signed and hash-linked, every record's signatures checked, no fork across the logs, each deal replayed from its first message and found in both parties' logs`)
  })
}
