// Shared output for benchmark scripts: a table for people, --json for machines, and the machine
// the figures were measured on, so every figure is read beside its same-run baseline.
import { availableParallelism, cpus, totalmem } from 'node:os'

export interface Row {
  name: string
  value: number
  unit: string
  /** What the figure is compared against, measured in the same run. */
  baseline?: { name: string, value: number }
  /** The target from the issue, as text (e.g. ">= 0.8 of baseline"). */
  target?: string
  pass?: boolean
}

export function machine (): Record<string, string | number> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`
  }
}

function fmt (n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString('en-US')
  return n.toPrecision(3)
}

export function print (title: string, rows: Row[], json: boolean, extra: Record<string, unknown> = {}): void {
  if (json) {
    console.log(JSON.stringify({ title, date: new Date().toISOString(), machine: machine(), rows, ...extra }, null, 2))
    return
  }
  const m = machine()
  console.log(`\n${title}\n${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}\n`)
  const table = rows.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.baseline !== undefined ? `${fmt(r.baseline.value)} (${r.baseline.name})` : '',
    r.baseline !== undefined && r.baseline.value !== 0 ? (r.value / r.baseline.value).toFixed(2) : '',
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL'
  ])
  const header = ['measure', 'value', 'baseline (same run)', 'ratio', 'target', '']
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of table) console.log(line(row))
  console.log()
}

/** Runs `fn` repeatedly for about `ms` milliseconds and returns operations per second. */
export function ratePerSecond (fn: () => void, ms = 1000): number {
  const start = performance.now()
  let n = 0
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) fn()
    n += 100
  }
  return n / ((performance.now() - start) / 1000)
}
