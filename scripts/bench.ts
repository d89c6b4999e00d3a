// npm run bench: every benchmark script, one after another (each alone on the machine), and one
// table of every figure beside its same-run baseline and its target. --json for machines;
// --doc FILE puts the table, with the date and the machine, between the bench markers of FILE
// (docs/performance.md), leaving the prose around it alone.
import '../src/polyfill.js'
import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { machine, type Row } from './bench/report.js'

const BEGIN = '<!-- bench:begin -->'
const END = '<!-- bench:end -->'

const BENCHES = ['log', 'net', 'session', 'reputation', 'disputes', 'api'] as const

const { values } = parseArgs({ options: { json: { type: 'boolean' }, doc: { type: 'string' }, only: { type: 'string' } } })
const chosen = values.only === undefined ? [...BENCHES] : values.only.split(',').map((s) => s.trim())
for (const name of chosen) {
  if (!(BENCHES as readonly string[]).includes(name)) {
    console.error(`unknown benchmark "${name}"; choose among ${BENCHES.join(', ')}`)
    process.exit(2)
  }
}

interface Report { title: string, rows: Row[] }

/** Runs one benchmark script with --json; its progress goes to our stderr, its report is parsed. */
async function run (name: string): Promise<Report> {
  const script = fileURLToPath(new URL(`./bench-${name}.js`, import.meta.url))
  const args = name === 'net' || name === 'reputation' ? ['--expose-gc', script, '--json'] : [script, '--json']
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8') })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bench:${name} exited with ${String(code)}`))
      const start = out.search(/^\{/m)
      try {
        resolve(JSON.parse(out.slice(start)) as Report)
      } catch (err) {
        reject(new Error(`bench:${name} printed no JSON report: ${(err as Error).message}`))
      }
    })
  })
}

const fmt = (n: number): string => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3))

const results: Array<{ bench: string, rows: Row[], error?: string }> = []
for (const name of chosen) {
  const started = Date.now()
  process.stderr.write(`bench:${name} ...\n`)
  try {
    results.push({ bench: name, rows: (await run(name)).rows })
  } catch (err) {
    results.push({ bench: name, rows: [], error: (err as Error).message })
  }
  process.stderr.write(`bench:${name} done in ${Math.round((Date.now() - started) / 1000)} s\n`)
}

const table = results.flatMap((r) => r.error !== undefined
  ? [[r.bench, `failed: ${r.error}`, '', '', '', '', '']]
  : r.rows.map((row) => [
      r.bench,
      row.name,
      `${fmt(row.value)} ${row.unit}`,
      row.baseline !== undefined ? `${fmt(row.baseline.value)} (${row.baseline.name})` : '',
      row.baseline !== undefined && row.baseline.value !== 0 ? (row.value / row.baseline.value).toFixed(2) : '',
      row.target ?? '',
      row.pass === undefined ? '' : row.pass ? 'pass' : 'FAIL'
    ]))
const header = ['bench', 'measure', 'value', 'baseline (same run)', 'ratio', 'target', '']
const m = machine()
const date = new Date().toISOString()

if (values.json === true) {
  console.log(JSON.stringify({ date, machine: m, results }, null, 2))
} else {
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  console.log(`\nASP benchmarks, ${date}\n${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}\n`)
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of table) console.log(line(row))
}

if (values.doc !== undefined) {
  const escape = (s: string): string => s.replaceAll('|', '\\|')
  const md = [
    BEGIN,
    `Measured ${date} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform}), by \`npm run bench\`.`,
    '',
    `| ${header.map(escape).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...table.map((row) => `| ${row.map(escape).join(' | ')} |`),
    END
  ].join('\n')
  const doc = await readFile(values.doc, 'utf8')
  const a = doc.indexOf(BEGIN)
  const b = doc.indexOf(END)
  if (a < 0 || b < a) throw new Error(`${values.doc} has no ${BEGIN} ... ${END} markers`)
  await writeFile(values.doc, doc.slice(0, a) + md + doc.slice(b + END.length))
}

process.exitCode = results.some((r) => r.error !== undefined) ? 1 : 0
