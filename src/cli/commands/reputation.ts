import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { systemClock } from '../../clock.js'
import { loadConfig } from '../../config.js'
import { API_FILE, openDataDirLog } from '../../datadir.js'
import { reputationFromLog } from '../../reputation/load.js'
import type { SubjectScore } from '../../reputation/score.js'
import { callNode } from '../api-client.js'
import { parse, requireString } from '../args.js'

const usage = `usage: asp reputation [SUBJECT] --data-dir DIR [--json]

Prints this organization's view of the others: each subject's deals and score (0-100), computed
from the verified records in the node's log. With SUBJECT (an org id), the breakdown for that one.
Asks the running node when there is one; otherwise computes from the data dir's log.`

export async function run (argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'data-dir': { type: 'string' }, json: { type: 'boolean' } }, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  const subject = positionals[0]
  const view = existsSync(join(dataDir, API_FILE)) ? await fromNode(dataDir, subject) : await fromLog(dataDir, subject)
  if (values.json === true) {
    console.log(JSON.stringify(view, null, 2))
    return 0
  }
  if ('subject' in view) printOne(view)
  else printTable(view.observer, view.subjects)
  return 0
}

type View = SubjectScore | { observer: string, subjects: SubjectScore[] }

async function fromNode (dataDir: string, subject?: string): Promise<View> {
  if (subject !== undefined) return await callNode(dataDir, 'GET', `/v1/reputation/${encodeURIComponent(subject)}`) as SubjectScore
  return await callNode(dataDir, 'GET', '/v1/reputation') as View
}

async function fromLog (dataDir: string, subject?: string): Promise<View> {
  const config = await loadConfig(dataDir)
  const { log } = await openDataDirLog(dataDir)
  try {
    const { reputation } = await reputationFromLog(log, config.reputation, systemClock, (kind, record, err) => console.error(`left out ${kind} ${record.cid.toString()}: ${err.message}`))
    if (subject === undefined) return { observer: log.author, subjects: reputation.table() }
    const score = reputation.score(subject)
    if (score === undefined) return { observer: log.author, subjects: [] }
    return score
  } finally {
    await log.close()
  }
}

function printTable (observer: string, subjects: SubjectScore[]): void {
  console.log(`reputation as seen by ${observer}`)
  if (subjects.length === 0) {
    console.log('no other organization has a record in this log yet')
    return
  }
  const rows = subjects.map((s) => [s.subject, String(s.deals), String(s.honored), String(s.breached), String(s.openDisputes), `${Math.round(s.score)}/100`, s.standing])
  const head = ['SUBJECT', 'DEALS', 'HONORED', 'BREACHED', 'DISPUTES', 'SCORE', 'STANDING']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  for (const r of [head, ...rows]) console.log(r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd())
}

function printOne (s: SubjectScore): void {
  const line = (k: string, v: unknown): void => console.log(`${k.padEnd(18)} ${String(v)}`)
  line('subject', s.subject)
  line('score', `${s.score.toFixed(1)}/100 (${s.standing})`)
  line('deals', s.deals)
  line('honored', s.honored)
  line('breached', s.breached)
  line('open disputes', s.openDisputes)
  line('rejected claims', s.rejectedClaims)
  line('last activity', s.lastActivity === null ? 'never' : new Date(s.lastActivity).toISOString())
  line('confidence', s.confidence.toFixed(2))
  console.log('breakdown')
  for (const [k, v] of Object.entries(s.breakdown)) line(`  ${k}`, typeof v === 'number' ? Number(v.toFixed(6)) : v)
}
