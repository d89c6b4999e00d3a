import { Worker } from 'node:worker_threads'

/** Bare node:crypto verifies per second, summed over `threads` worker threads running at once. */
async function inWorkers (threads: number, ms: number): Promise<number> {
  const rates = await Promise.all(Array.from({ length: threads }, async () => new Promise<number>((resolve, reject) => {
    const worker = new Worker(new URL('./raw-verify-worker.js', import.meta.url), { workerData: { ms } })
    worker.once('message', (rate: number) => { resolve(rate); void worker.terminate() })
    worker.once('error', reject)
  })))
  return rates.reduce((a, b) => a + b, 0)
}

/**
 * Bare node:crypto verifies per second on one thread, and on `threads` threads at once. Both run in
 * worker threads, as the verifier's checks do, so the two figures and the verifier's are comparable.
 */
export async function rawVerifyBaselines (threads: number, ms = 2000): Promise<{ single: number, parallel: number }> {
  return { single: await inWorkers(1, ms), parallel: await inWorkers(threads, ms) }
}
