// The last entries the log wrote, with their blocks, in memory. Everything that follows the log
// (session and record events for the API, consequences) reads what was just written; from here it
// costs a map lookup instead of a LevelDB read and a decode.
import { bytesKey } from '../records/bytes.js'
import type { CID } from '../records/codec.js'
import type { Entry } from '../records/kinds/index.js'
import type { SignedRecord } from '../records/record.js'
import type { Block } from './log.js'

const blockKey = (cid: CID): string => bytesKey(cid.bytes)

export class RecentEntries {
  private readonly entries = new Map<number, { entry: SignedRecord<Entry>, blocks: string[] }>()
  /** Block bytes by CID, with the seq of the newest entry that brought them. */
  private readonly blocks = new Map<string, { bytes: Uint8Array, seq: number }>()
  private oldest = 0

  constructor (private readonly capacity: number) {}

  /** Adds durable entries, in seq order, each with the blocks written with it. */
  add (entry: SignedRecord<Entry>, blocks: Block[]): void {
    const seq = entry.value.seq
    const keys = blocks.map((b) => blockKey(b.cid))
    blocks.forEach((b, i) => this.blocks.set(keys[i] as string, { bytes: b.bytes, seq }))
    this.entries.set(seq, { entry, blocks: keys })
    if (this.oldest === 0) this.oldest = seq
    while (this.entries.size > this.capacity) this.evict()
  }

  /** The entry at `seq`, if it is among the recent ones. */
  entry (seq: number): SignedRecord<Entry> | undefined {
    return this.entries.get(seq)?.entry
  }

  /** The lowest seq held, or undefined when empty: entries from it to the head are all here. */
  get from (): number | undefined {
    return this.entries.size === 0 ? undefined : this.oldest
  }

  block (cid: CID): Uint8Array | undefined {
    return this.blocks.get(blockKey(cid))?.bytes
  }

  private evict (): void {
    const gone = this.entries.get(this.oldest)
    this.entries.delete(this.oldest)
    for (const key of gone?.blocks ?? []) {
      // A block a later entry brought again stays.
      if (this.blocks.get(key)?.seq === this.oldest) this.blocks.delete(key)
    }
    this.oldest++
  }
}
