// Worker thread: signs batches of log entries for the log (chain.ts), so that a busy node's main
// thread encodes and writes while another core signs. It holds the org's private key object.
import { sign, type KeyObject } from 'node:crypto'
import { parentPort } from 'node:worker_threads'
import { packSigned, signChain, transferables, unpackUnsigned, type PackedLinks } from './chain.js'

let key: KeyObject | undefined

parentPort?.on('message', (message: { key: KeyObject } | { id: number, domain: Uint8Array, links: PackedLinks }) => {
  if ('key' in message) {
    key = message.key
    return
  }
  try {
    if (key === undefined) throw new Error('no key yet')
    const signing = key
    const signed = packSigned(signChain(unpackUnsigned(message.links), message.domain, (m) => sign(null, m, signing)))
    parentPort?.postMessage({ id: message.id, signed }, transferables(signed))
  } catch (err) {
    parentPort?.postMessage({ id: message.id, error: (err as Error).message })
  }
})
