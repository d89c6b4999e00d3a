// Small CAR helpers for making test vectors: read all blocks of a file, write blocks to bytes.
import { CarBlockIterator } from '@ipld/car/iterator'
import { CarWriter } from '@ipld/car/writer'
import type { CID } from 'multiformats/cid'

export interface CarBlock {
  cid: CID
  bytes: Uint8Array
}

export async function readCar (bytes: Uint8Array): Promise<{ roots: CID[], blocks: CarBlock[] }> {
  const iterator = await CarBlockIterator.fromBytes(bytes)
  const blocks: CarBlock[] = []
  for await (const block of iterator) blocks.push({ cid: block.cid, bytes: block.bytes })
  return { roots: await iterator.getRoots(), blocks }
}

export async function writeCar (roots: CID[], blocks: CarBlock[]): Promise<Uint8Array> {
  const { writer, out } = CarWriter.create(roots)
  const chunks: Uint8Array[] = []
  const collected = (async () => { for await (const chunk of out) chunks.push(chunk) })()
  for (const block of blocks) await writer.put(block)
  await writer.close()
  await collected
  return Buffer.concat(chunks)
}
