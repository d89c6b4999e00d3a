// Worker thread: checks record batches in full for the auditor, in parallel with reading the file.
import { parentPort } from 'node:worker_threads'
import { checkBatch, type RecordBatch } from './record-batch.js'

parentPort?.on('message', (message: { id: number, batch: RecordBatch }) => {
  try {
    parentPort?.postMessage({ id: message.id, failures: checkBatch(message.batch) })
  } catch (err) {
    parentPort?.postMessage({ id: message.id, error: (err as Error).message })
  }
})
