// The simulation's output: one row per figure, measured value beside its bound; or JSON.
import type { Check } from './check.js'
import type { SimOptions } from './options.js'

function fmt (n: number): string {
  if (!Number.isFinite(n)) return String(n)
  if (n === 0) return '0'
  if (Number.isInteger(n)) return String(n)
  const abs = Math.abs(n)
  if (abs >= 100) return n.toFixed(1)
  if (abs >= 0.01) return n.toFixed(3)
  return n.toExponential(2)
}

export function printChecks (checks: Check[], options: SimOptions, extra: { seconds: number, timingsMs: Record<string, number> }): void {
  const failed = checks.filter((c) => c.pass === false).length
  if (options.json) {
    console.log(JSON.stringify({ options, checks, failed, ...extra }, null, 2))
    return
  }
  const header = ['scenario', 'measure', 'value', 'bound', '']
  const rows = checks.map((c) => [c.scenario, c.measure, `${fmt(c.value)}${c.unit}`, c.bound, c.pass === null ? '' : c.pass ? 'pass' : 'FAIL'])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  console.log(`\nreputation simulation: ${options.orgs} orgs (${options.pretrusted} pre-trusted), ${options.days} days, honest orgs honor ${100 * options.honestRate}%, ${options.dealRate} proposals per org per day, seed ${options.seed}\n`)
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows) console.log(line(r))
  console.log(`\n${checks.filter((c) => c.pass !== null).length - failed} of ${checks.filter((c) => c.pass !== null).length} bounds pass; ${extra.seconds.toFixed(1)} s\n`)
}
