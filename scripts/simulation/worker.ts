// A worker thread of `npm run simulate`: runs the tasks it is sent and posts back their rows.
import { parentPort } from 'node:worker_threads'
import type { SimOptions } from './options.js'
import { runTask, type Task, type TaskResult } from './tasks.js'

export type ToWorker = { readonly index: number, readonly task: Task, readonly options: SimOptions }
export type FromWorker =
  | { readonly type: 'progress', readonly text: string }
  | { readonly type: 'done', readonly index: number, readonly result: TaskResult }
  | { readonly type: 'failed', readonly index: number, readonly message: string }

const port = parentPort
if (port !== null) {
  port.on('message', ({ index, task, options }: ToWorker) => {
    try {
      const result = runTask(task, options, (text) => port.postMessage({ type: 'progress', text } satisfies FromWorker))
      port.postMessage({ type: 'done', index, result } satisfies FromWorker)
    } catch (err) {
      port.postMessage({ type: 'failed', index, message: (err as Error).stack ?? String(err) } satisfies FromWorker)
    }
  })
}
