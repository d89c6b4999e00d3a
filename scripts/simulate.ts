// npm run simulate [-- options]: runs the real reputation code over a seeded synthetic network, one
// scenario of REPUTATION.md at a time, and prints each measured figure beside its pass bound. Tasks
// run on worker threads (--jobs); every one is seeded and independent, so the table is the same
// whatever the number of threads. Exits 1 if a bound fails, 2 on bad options.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { progressLine } from '../src/cli/progress.js'
import { parseOptions, USAGE, type SimOptions } from './simulation/options.js'
import { printChecks } from './simulation/table.js'
import { combine, cost, runTask, taskName, tasksFor, type Task, type TaskResult } from './simulation/tasks.js'
import type { FromWorker, ToWorker } from './simulation/worker.js'

let options: SimOptions
try {
  const parsed = parseOptions(process.argv.slice(2))
  if (parsed === 'help') {
    console.log(USAGE)
    process.exit(0)
  }
  options = parsed
} catch (err) {
  console.error(`${(err as Error).message}\n\n${USAGE}`)
  process.exit(2)
}

const tasks = tasksFor(options)
const line = progressLine()
const started = performance.now()
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`
const results: TaskResult[] = []
const timings: Record<string, number> = {}

async function runAll (jobs: number): Promise<void> {
  const order = tasks.map((_, i) => i).sort((a, b) => cost(tasks[b] as Task) - cost(tasks[a] as Task))
  if (jobs <= 1) {
    for (const i of order) {
      const t = performance.now()
      results[i] = runTask(tasks[i] as Task, options, (text) => line.update(`${text}  (${elapsed()})`))
      timings[taskName(tasks[i] as Task)] = Math.round(performance.now() - t)
    }
    return
  }
  const shown = new Map<number, string>()
  let done = 0
  const show = (): void => line.update(`[${done}/${tasks.length}] ${[...shown.values()].join(' | ')}  (${elapsed()})`)
  await Promise.all(Array.from({ length: jobs }, async (_, w) => {
    const worker = new Worker(new URL('./simulation/worker.js', import.meta.url))
    try {
      for (let i = order.shift(); i !== undefined; i = order.shift()) {
        const index = i
        const t = performance.now()
        results[index] = await new Promise<TaskResult>((resolve, reject) => {
          const onMessage = (message: FromWorker): void => {
            if (message.type === 'progress') {
              shown.set(w, message.text)
              show()
              return
            }
            worker.off('message', onMessage)
            worker.off('error', reject)
            if (message.type === 'done') resolve(message.result)
            else reject(new Error(`${taskName(tasks[index] as Task)}: ${message.message}`))
          }
          worker.on('message', onMessage)
          worker.once('error', reject)
          worker.postMessage({ index, task: tasks[index] as Task, options } satisfies ToWorker)
        })
        timings[taskName(tasks[index] as Task)] = Math.round(performance.now() - t)
        done++
        show()
      }
    } finally {
      await worker.terminate()
    }
  }))
}

await runAll(Math.min(options.jobs ?? availableParallelism(), tasks.length))
line.done()
const checks = combine(tasks, results)
printChecks(checks, options, { seconds: (performance.now() - started) / 1000, timingsMs: timings })
process.exitCode = checks.some((c) => c.pass === false) ? 1 : 0
