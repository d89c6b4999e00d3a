// The log's signer of entry batches: on this thread for a lone entry (no hand-over to wait for),
// in a worker thread for a batch of several (the hand-over costs less than the signatures it moves).
import type { KeyObject } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import type { Signer } from '../records/ed25519.js'
import { packUnsigned, signChain, transferables, unpackSigned, type PackedLinks, type SignedLink, type UnsignedLink } from './chain.js'

/** Fewer links than this are signed on the calling thread. */
const WORKER_FROM = 2

export class ChainSigner {
  private worker: Worker | undefined
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (signed: SignedLink[]) => void, reject: (err: Error) => void }>()

  constructor (private readonly signer: Signer, private readonly domain: Uint8Array) {}

  async sign (links: UnsignedLink[]): Promise<SignedLink[]> {
    const key = this.signer.privateKey
    if (links.length < WORKER_FROM || key === undefined) return signChain(links, this.domain, (m) => this.signer.sign(m))
    const worker = this.worker ?? this.start(key)
    const id = this.nextId++
    // While it owes an answer, the worker keeps the process alive (a CLI awaiting its appends, say).
    if (this.waiting.size === 0) worker.ref()
    return new Promise((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (signed) => { this.settled(worker); resolve(signed) },
        reject: (err) => { this.settled(worker); reject(err) }
      })
      const packed = packUnsigned(links)
      worker.postMessage({ id, domain: this.domain, links: packed }, transferables(packed))
    })
  }

  private settled (worker: Worker): void {
    if (this.waiting.size === 0) worker.unref()
  }

  async close (): Promise<void> {
    const worker = this.worker
    this.worker = undefined
    if (worker !== undefined) await worker.terminate()
  }

  private start (key: KeyObject): Worker {
    const worker = new Worker(new URL('./chain-worker.js', import.meta.url))
    // Idle, it must not keep the process alive; the log closes it.
    worker.unref()
    worker.postMessage({ key })
    worker.on('message', (message: { id: number, signed?: PackedLinks, error?: string }) => {
      const job = this.waiting.get(message.id)
      if (job === undefined) return
      this.waiting.delete(message.id)
      if (message.signed !== undefined) job.resolve(unpackSigned(message.signed))
      else job.reject(new Error(`signing log entries failed: ${message.error ?? 'no answer'}`))
    })
    worker.on('error', (err) => { this.failAll(err) })
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined
      this.failAll(new Error('the log signer stopped'))
    })
    this.worker = worker
    return worker
  }

  private failAll (err: Error): void {
    const jobs = [...this.waiting.values()]
    this.waiting.clear()
    for (const job of jobs) job.reject(err)
  }
}
