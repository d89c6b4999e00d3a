// A fixed pool of worker threads checking record batches. submit() waits while every worker already
// has `maxQueuedPerWorker` batches, so reading a large file never runs far ahead of the checks.
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { checkBatch, type RecordBatch, type RecordFailure } from './record-batch.js'

interface Slot {
  worker: Worker
  queued: number
}

export interface CheckPool {
  /** Resolves once a worker can take another batch. */
  ready(): Promise<void>
  check(batch: RecordBatch): Promise<RecordFailure[]>
  close(): Promise<void>
  readonly threads: number
}

/** Checks in the calling thread; for small inputs, where starting workers costs more than it saves. */
export function inlinePool (): CheckPool {
  return { threads: 0, ready: async () => {}, check: async (batch) => checkBatch(batch), close: async () => {} }
}

export function workerPool (threads = availableParallelism(), maxQueuedPerWorker = 2): CheckPool {
  const slots: Slot[] = []
  const waiting = new Map<number, { slot: Slot, resolve: (f: RecordFailure[]) => void, reject: (e: Error) => void }>()
  const freed: Array<() => void> = []
  let nextId = 0

  for (let i = 0; i < threads; i++) {
    const worker = new Worker(new URL('./check-worker.js', import.meta.url))
    const slot: Slot = { worker, queued: 0 }
    worker.on('message', (message: { id: number, failures?: RecordFailure[], error?: string }) => {
      const job = waiting.get(message.id)
      if (job === undefined) return
      waiting.delete(message.id)
      slot.queued--
      freed.shift()?.()
      if (message.error !== undefined) job.reject(new Error(message.error))
      else job.resolve(message.failures ?? [])
    })
    worker.on('error', (err) => {
      for (const [id, job] of waiting) {
        if (job.slot === slot) { waiting.delete(id); job.reject(err) }
      }
    })
    slots.push(slot)
  }

  async function freeSlot (): Promise<Slot> {
    for (;;) {
      const slot = slots.reduce((a, b) => (b.queued < a.queued ? b : a))
      if (slot.queued < maxQueuedPerWorker) return slot
      await new Promise<void>((resolve) => freed.push(resolve))
    }
  }

  return {
    threads,
    async ready () {
      await freeSlot()
    },
    async check (batch) {
      const slot = await freeSlot()
      slot.queued++
      const id = nextId++
      return new Promise<RecordFailure[]>((resolve, reject) => {
        waiting.set(id, { slot, resolve, reject })
        slot.worker.postMessage({ id, batch }, [batch.data, batch.offsets, batch.cids, batch.cidOffsets].map((a) => a.buffer as ArrayBuffer))
      })
    },
    async close () {
      await Promise.all(slots.map(async (s) => s.worker.terminate()))
    }
  }
}
