import { readFile } from 'node:fs/promises'
import type { Policy } from '../../policy/document.js'
import { callNode } from '../api-client.js'
import { parse, requireString, UsageError } from '../args.js'

const usage = `usage: asp policy show [AGENT] --data-dir DIR [--json]
       asp policy set (AGENT | --defaults) --data-dir DIR (--file POLICY.json | RULE...)
       asp policy clear (AGENT | --defaults) --data-dir DIR

Shows or sets the guardrails of an agent (or the defaults, for agents without a policy of their own)
through the running node. "set" replaces the whole policy. Amounts are integer minor units of the
currency (EUR:2000000 is 20,000.00 EUR). protocols/policy.md describes every rule.

rules:
  --per-deal CUR:AMOUNT            most one deal may be worth
  --per-day CUR:AMOUNT             most this agent's deals of any 24 hours may be worth together
  --min-score N                    minimum score (0-100) of the counterparty of any session
  --min-score-above CUR:AMOUNT:N   minimum score N for deals worth more than AMOUNT
  --approve-always                 every deal needs approval
  --approve-above CUR:AMOUNT       deals worth more than AMOUNT need approval
  --approve-new-counterparty       deals with orgs never dealt with need approval
  --approvals N                    distinct approvers needed (default 1)
  --approver NAME                  who may decide (repeatable; anyone with the operator token if absent)
  --capability CAP                 allowed capability (repeatable)
  --allow ORG                      the only counterparties allowed (repeatable)
  --deny ORG                       counterparties never allowed (repeatable)`

const options = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  defaults: { type: 'boolean' },
  file: { type: 'string' },
  'per-deal': { type: 'string', multiple: true },
  'per-day': { type: 'string', multiple: true },
  'min-score': { type: 'string' },
  'min-score-above': { type: 'string', multiple: true },
  'approve-always': { type: 'boolean' },
  'approve-above': { type: 'string', multiple: true },
  'approve-new-counterparty': { type: 'boolean' },
  approvals: { type: 'string' },
  approver: { type: 'string', multiple: true },
  capability: { type: 'string', multiple: true },
  allow: { type: 'string', multiple: true },
  deny: { type: 'string', multiple: true }
} as const

export async function run (argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  const { values, positionals } = parse(rest, options, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  const agent = positionals[0]
  const path = values.defaults === true ? '/v1/policies/defaults' : agent !== undefined ? `/v1/policies/agents/${encodeURIComponent(agent)}` : undefined
  switch (sub) {
    case 'show': {
      const answer = await callNode(dataDir, 'GET', path ?? '/v1/policies')
      if (values.json === true || path === undefined) console.log(JSON.stringify(answer, null, 2))
      else printPolicy(answer as { policy: Policy | null, source?: string })
      return 0
    }
    case 'set': {
      if (path === undefined) throw new UsageError(`name an AGENT or --defaults\n\n${usage}`)
      const policy = typeof values.file === 'string' ? JSON.parse(await readFile(values.file, 'utf8')) as unknown : policyFromFlags(values)
      printPolicy(await callNode(dataDir, 'PUT', path, policy) as { policy: Policy | null, source?: string })
      return 0
    }
    case 'clear': {
      if (path === undefined) throw new UsageError(`name an AGENT or --defaults\n\n${usage}`)
      printPolicy(await callNode(dataDir, 'DELETE', path) as { policy: Policy | null, source?: string })
      return 0
    }
    default:
      throw new UsageError(usage)
  }
}

type Values = Record<string, string | boolean | string[] | undefined>

const list = (v: unknown): string[] => (Array.isArray(v) ? v as string[] : [])

function amountOf (text: string, flag: string, parts = 2): string[] {
  const fields = text.split(':')
  if (fields.length !== parts || !/^[A-Z]{3}$/.test(fields[0] ?? '') || fields.slice(1).some((f) => !/^[0-9]+$/.test(f))) {
    throw new UsageError(`--${flag} takes ${parts === 2 ? 'CUR:AMOUNT' : 'CUR:AMOUNT:N'} with whole numbers, e.g. EUR:2000000\n\n${usage}`)
  }
  return fields
}

function wholeNumber (text: unknown, flag: string): number | undefined {
  if (text === undefined) return undefined
  if (typeof text !== 'string' || !/^[0-9]+$/.test(text)) throw new UsageError(`--${flag} takes a whole number\n\n${usage}`)
  return Number(text)
}

/** Builds a policy from the rule flags; the node checks it (POLICY_INVALID names what is wrong). */
export function policyFromFlags (values: Values): Policy {
  const policy: Policy = {}
  for (const [flag, key] of [['per-deal', 'perDeal'], ['per-day', 'perDay']] as const) {
    for (const item of list(values[flag])) {
      const [cur, amount] = amountOf(item, flag) as [string, string]
      policy.spend ??= {}
      policy.spend[cur] = { ...policy.spend[cur], [key]: Number(amount) }
    }
  }
  const base = wholeNumber(values['min-score'], 'min-score')
  const tiers = list(values['min-score-above']).map((item) => {
    const [currency, above, min] = amountOf(item, 'min-score-above', 3) as [string, string, string]
    return { currency, above: Number(above), min: Number(min) }
  })
  if (base !== undefined || tiers.length > 0) policy.minReputation = { ...(base !== undefined ? { base } : {}), ...(tiers.length > 0 ? { tiers } : {}) }
  const above = Object.fromEntries(list(values['approve-above']).map((item) => {
    const [cur, amount] = amountOf(item, 'approve-above') as [string, string]
    return [cur, Number(amount)]
  }))
  const quorum = wholeNumber(values.approvals, 'approvals')
  const approvers = list(values.approver)
  if (values['approve-always'] === true || Object.keys(above).length > 0 || values['approve-new-counterparty'] === true || quorum !== undefined || approvers.length > 0) {
    policy.approval = {
      ...(values['approve-always'] === true ? { always: true } : {}),
      ...(Object.keys(above).length > 0 ? { above } : {}),
      ...(values['approve-new-counterparty'] === true ? { newCounterparty: true } : {}),
      ...(quorum !== undefined ? { quorum } : {}),
      ...(approvers.length > 0 ? { approvers } : {})
    }
  }
  if (list(values.capability).length > 0) policy.capabilities = list(values.capability)
  const allow = list(values.allow)
  const deny = list(values.deny)
  if (allow.length > 0 || deny.length > 0) policy.counterparties = { ...(allow.length > 0 ? { allow } : {}), ...(deny.length > 0 ? { deny } : {}) }
  return policy
}

function printPolicy (answer: { agent?: string, policy: Policy | null, source?: string }): void {
  const p = answer.policy
  const who = answer.agent ?? 'defaults'
  if (p === null) {
    console.log(`${who}: no policy (no limits, no approvals)`)
    return
  }
  console.log(`${who}${answer.source === 'defaults' ? ' (the defaults apply)' : ''}:`)
  const lines: string[] = []
  for (const [cur, limits] of Object.entries(p.spend ?? {})) {
    if (limits.perDeal !== undefined) lines.push(`per deal      at most ${limits.perDeal} ${cur} (minor units)`)
    if (limits.perDay !== undefined) lines.push(`per 24 hours  at most ${limits.perDay} ${cur} (minor units)`)
    if (limits.perDeal === undefined && limits.perDay === undefined) lines.push(`currency      ${cur} allowed, no limit`)
  }
  if (p.spend !== undefined) lines.push(`currencies    only ${Object.keys(p.spend).join(', ') || 'none'}`)
  if (p.minReputation?.base !== undefined) lines.push(`min score     ${p.minReputation.base}`)
  for (const t of p.minReputation?.tiers ?? []) lines.push(`min score     ${t.min} above ${t.above} ${t.currency}`)
  const a = p.approval
  if (a !== undefined) {
    const when = [a.always === true ? 'always' : '', ...Object.entries(a.above ?? {}).map(([c, v]) => `above ${v} ${c}`), a.newCounterparty === true ? 'new counterparties' : ''].filter((s) => s !== '')
    lines.push(`approval      ${when.join(', ') || 'never'}; ${a.quorum ?? 1} distinct approver(s)${a.approvers !== undefined ? ` of ${a.approvers.join(', ')}` : ''}`)
  }
  if (p.capabilities !== undefined) lines.push(`capabilities  ${p.capabilities.join(', ')}`)
  if (p.counterparties?.allow !== undefined) lines.push(`allow         ${p.counterparties.allow.join(', ')}`)
  if (p.counterparties?.deny !== undefined) lines.push(`deny          ${p.counterparties.deny.join(', ')}`)
  console.log(lines.length > 0 ? lines.map((l) => `  ${l}`).join('\n') : '  no rules')
}
