import { Worker } from 'node:worker_threads'
import { rawVerifyRate } from './raw-verify-worker.js'

/** Bare node:crypto verifies per second: on one thread, and summed over `threads` threads running at once. */
export async function rawVerifyBaselines (threads: number, ms = 2000): Promise<{ single: number, parallel: number }> {
  const single = rawVerifyRate(ms)
  const rates = await Promise.all(Array.from({ length: threads }, async () => new Promise<number>((resolve, reject) => {
    const worker = new Worker(new URL('./raw-verify-worker.js', import.meta.url), { workerData: { ms } })
    worker.once('message', (rate: number) => { resolve(rate); void worker.terminate() })
    worker.once('error', reject)
  })))
  return { single, parallel: rates.reduce((a, b) => a + b, 0) }
}
