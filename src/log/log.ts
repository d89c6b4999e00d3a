// One append-only, hash-chained, signed log per node, in LevelDB. Appends go through one queue with
// group commit: appends waiting while a batch is being written share the next durable batch write,
// and each append resolves only after its entry (with the blocks it references) is on disk.
import { logger } from '@libp2p/logger'
import { LogError } from '../errors.js'
import { systemClock, type Clock } from '../clock.js'
import { CID, cidOf, DAG_CBOR_CODE, encode, linksOf, SHA2_256_CODE } from '../records/codec.js'
import * as Digest from 'multiformats/hashes/digest'
import type { Signer } from '../records/ed25519.js'
import { entryKind, headKind, type Entry, type Head } from '../records/kinds/index.js'
import { orgIdFromPublicKey, type OrgId } from '../records/org-id.js'
import { decodeRecord, domainSeparated, signRecord, type SignedRecord } from '../records/record.js'
import { entryBodies, isKnownEntryKind, type EntryBody, type EntryKindName } from './entry-kinds.js'
import { PLACEHOLDER_DIGEST, placeholderAt, type SignedLink, type UnsignedLink } from './chain.js'
import { ChainSigner } from './chain-signer.js'
import { RecentEntries } from './recent.js'
import { Bucket, bucketRange, decodeSeq, encodeSeq, metaKey, openDb, prefixed, seqFromKey, seqKey, type Db } from './store.js'

const log = logger('asp:log')

const FORMAT_VERSION = Uint8Array.of(1)

export interface LogOptions {
  clock?: Clock
  /** Most entries written in one batch. @default 1024 */
  maxBatch?: number
  /** Most appends waiting for the writer before append() refuses with LOG_QUEUE_FULL. @default 65536 */
  maxPending?: number
  /** The last entries written (and their blocks) kept in memory for readers. @default 4096 */
  recentEntries?: number
}

export interface Block {
  cid: CID
  bytes: Uint8Array
}

export interface LogHead {
  seq: number
  cid: CID | null
  ts: number
}

interface Prepared {
  entries: Array<SignedRecord<Entry>>
  ops: Array<{ type: 'put', key: Uint8Array, value: Uint8Array }>
  head: LogHead
}

/** The `prev` of entries whose predecessor is signed in the same batch, until it is (chain.ts). */
const PLACEHOLDER = CID.createV1(DAG_CBOR_CODE, Digest.create(SHA2_256_CODE, PLACEHOLDER_DIGEST))

interface Pending {
  kind: string
  body: unknown
  blocks: Block[]
  resolve: (entry: SignedRecord<Entry>) => void
  reject: (err: unknown) => void
}

export class Log {
  readonly author: OrgId
  private readonly db: Db
  private readonly signer: Signer
  private readonly clock: Clock
  private readonly maxBatch: number
  private readonly maxPending: number
  private durable: LogHead = { seq: 0, cid: null, ts: 0 }
  private pending: Pending[] = []
  private writer: Promise<void> | null = null
  private closing: Promise<void> | null = null
  private readonly recent: RecentEntries
  private readonly chain: ChainSigner
  private batchesWritten = 0
  private entriesWritten = 0

  private constructor (db: Db, signer: Signer, options: LogOptions) {
    this.db = db
    this.signer = signer
    this.author = orgIdFromPublicKey(signer.publicKey)
    this.clock = options.clock ?? systemClock
    this.maxBatch = options.maxBatch ?? 1024
    this.maxPending = options.maxPending ?? 65536
    this.recent = new RecentEntries(options.recentEntries ?? 4096)
    this.chain = new ChainSigner(signer, domainSeparated(entryKind.name, new Uint8Array(0)))
  }

  /** Opens (or creates) the log at `path`, owned by `signer`'s org. */
  static async open (path: string, signer: Signer, options: LogOptions = {}): Promise<Log> {
    const db = openDb(path)
    await db.open()
    const store = new Log(db, signer, options)
    try {
      await store.load()
    } catch (err) {
      await db.close()
      throw err
    }
    return store
  }

  private async load (): Promise<void> {
    const format = await this.db.get(metaKey('format'))
    if (format === undefined) {
      await this.db.put(metaKey('format'), FORMAT_VERSION, { sync: true })
    } else if (format[0] !== FORMAT_VERSION[0]) {
      throw new LogError('LOG_CORRUPT', `unknown log format ${format[0]}`)
    }
    for await (const [, bytes] of this.db.iterator({ ...bucketRange(Bucket.entryBySeq), reverse: true, limit: 1 })) {
      const last = decodeRecord(entryKind, bytes)
      if (last.value.author !== this.author) {
        throw new LogError('LOG_AUTHOR_MISMATCH', `this log belongs to ${last.value.author}, not to ${this.author}`)
      }
      this.durable = { seq: last.value.seq, cid: last.cid, ts: last.value.ts }
    }
    log('opened log of %s at seq %d', this.author, this.durable.seq)
  }

  /** The last durable entry. */
  head (): LogHead {
    return { ...this.durable }
  }

  /** Durable batch writes and the entries they held, since this log was opened. */
  stats (): { batches: number, entries: number, waiting: number } {
    return { batches: this.batchesWritten, entries: this.entriesWritten, waiting: this.pending.length }
  }

  /** A freshly signed head for the last durable entry. */
  signHead (): SignedRecord<Head> {
    const { seq, cid, ts } = this.durable
    return signRecord(headKind, { v: 1, author: this.author, seq, cid, ts: Math.max(this.clock.now(), ts) }, this.signer)
  }

  /**
   * Appends one entry. `blocks` are the records the body links to, stored with the entry in the same
   * batch. Resolves with the entry once it is durable.
   */
  append<K extends EntryKindName> (kind: K, body: EntryBody<K>, blocks: Block[] = []): Promise<SignedRecord<Entry>> {
    if (this.closing !== null) return Promise.reject(new LogError('LOG_CLOSED', 'the log is closed'))
    try {
      this.checkBody(kind, body, blocks)
    } catch (err) {
      return Promise.reject(err)
    }
    if (this.pending.length >= this.maxPending) {
      return Promise.reject(new LogError('LOG_QUEUE_FULL', `${this.pending.length} appends are already waiting`))
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ kind, body, blocks, resolve, reject })
      this.writer ??= this.drain()
    })
  }

  private checkBody (kind: string, body: unknown, blocks: Block[]): void {
    if (!isKnownEntryKind(kind)) throw new LogError('LOG_UNKNOWN_ENTRY_KIND', `unknown entry kind "${kind}"`, { kind })
    const parsed = entryBodies[kind].safeParse(body)
    if (!parsed.success) {
      throw new LogError('LOG_BODY_INVALID', `${kind}: ${parsed.error.issues[0]?.message ?? 'invalid body'}`, { issues: parsed.error.issues })
    }
    const supplied = new Set(blocks.map((b) => b.cid.toString()))
    for (const cid of linksOf(body)) {
      if (!supplied.has(cid.toString())) {
        throw new LogError('LOG_BODY_INVALID', `the body links to ${cid.toString()} but its bytes were not given`, { cid: cid.toString() })
      }
    }
    for (const block of blocks) {
      const named = block.cid.toString()
      if (cidOf(block.bytes).toString() !== named) throw new LogError('LOG_BODY_INVALID', `block ${named} does not hash to its CID`)
    }
  }

  /**
   * The writer loop. While one batch is being written, the next is already signed on top of it, so
   * signing (CPU) overlaps the durable write (disk). Batches are written strictly in order; if one
   * fails, the batch signed on top of it is refused too, and signing restarts from the durable head.
   */
  private async drain (): Promise<void> {
    let tentative = this.durable
    let inflight: Promise<boolean> | null = null
    for (;;) {
      if (this.pending.length === 0) {
        if (inflight === null) {
          // Cleared in the same turn as the last look at `pending`, so no append can slip in between.
          this.writer = null
          return
        }
        if (!await inflight) tentative = this.durable
        inflight = null
        continue
      }
      const batch = this.pending.splice(0, this.maxBatch)
      let prepared: Prepared
      try {
        prepared = await this.prepare(batch, tentative)
      } catch (err) {
        this.fail(batch, err)
        continue
      }
      if (inflight !== null) {
        const ok = await inflight
        inflight = null
        if (!ok) {
          this.fail(batch, new Error('an earlier batch failed to write'))
          tentative = this.durable
          continue
        }
      }
      tentative = prepared.head
      inflight = this.write(batch, prepared)
    }
  }

  private async write (batch: Pending[], prepared: Prepared): Promise<boolean> {
    try {
      await this.db.batch(prepared.ops, { sync: true })
    } catch (err) {
      this.fail(batch, err)
      return false
    }
    this.durable = prepared.head
    this.batchesWritten++
    this.entriesWritten += batch.length
    batch.forEach((item, i) => this.recent.add(prepared.entries[i] as SignedRecord<Entry>, item.blocks))
    batch.forEach((item, i) => item.resolve(prepared.entries[i] as SignedRecord<Entry>))
    return true
  }

  private fail (batch: Pending[], err: unknown): void {
    const failure = new LogError('LOG_WRITE_FAILED', `writing ${batch.length} entries failed: ${(err as Error).message}`, {}, { cause: err })
    for (const item of batch) item.reject(failure)
  }

  /**
   * Signs the batch's entries on top of `on` (the durable head, or the batch being written); nothing
   * changes until the write succeeds. The entries are encoded here, each with a placeholder for the
   * CID of the one before it, and signed as one chain (chain.ts).
   */
  private async prepare (batch: Pending[], on: LogHead): Promise<Prepared> {
    const unsigned: Array<Omit<Entry, 'sig'>> = []
    const links: UnsignedLink[] = []
    let { seq, ts } = on
    for (const item of batch) {
      seq += 1
      // Timestamps never go backwards in a log, even if the wall clock does.
      ts = Math.max(this.clock.now(), ts)
      const first = unsigned.length === 0
      const value = { v: 1 as const, author: this.author, seq, prev: first ? on.cid : PLACEHOLDER, ts, kind: item.kind, body: item.body }
      const bytes = encode(value)
      const prevAt = first ? -1 : placeholderAt(bytes)
      // The placeholder twice in one entry (not by chance): this entry starts a chain of its own.
      if (!first && prevAt < 0) return this.prepareInTwo(batch, on, unsigned.length)
      unsigned.push(value)
      links.push({ bytes, prevAt })
    }
    const signed = await this.chain.sign(links)
    const entries: Array<SignedRecord<Entry>> = []
    const ops: Array<{ type: 'put', key: Uint8Array, value: Uint8Array }> = []
    let prev = on.cid
    batch.forEach((item, i) => {
      const link = signed[i] as SignedLink
      const value = unsigned[i] as Omit<Entry, 'sig'>
      const cid = CID.createV1(DAG_CBOR_CODE, Digest.create(SHA2_256_CODE, link.digest))
      entries.push({ value: { ...value, prev, sig: link.sig }, bytes: link.bytes, cid })
      ops.push({ type: 'put', key: seqKey(value.seq), value: link.bytes })
      ops.push({ type: 'put', key: prefixed(Bucket.seqByCid, cid.bytes), value: encodeSeq(value.seq) })
      for (const block of item.blocks) ops.push({ type: 'put', key: prefixed(Bucket.block, block.cid.bytes), value: block.bytes })
      prev = cid
    })
    return { entries, ops, head: { seq, cid: prev, ts } }
  }

  /** The batch prepared as two chains, the second starting at `at`, on top of the first. */
  private async prepareInTwo (batch: Pending[], on: LogHead, at: number): Promise<Prepared> {
    const first = await this.prepare(batch.slice(0, at), on)
    const second = await this.prepare(batch.slice(at), first.head)
    return { entries: [...first.entries, ...second.entries], ops: [...first.ops, ...second.ops], head: second.head }
  }

  async getEntry (seq: number): Promise<SignedRecord<Entry> | undefined> {
    if (!Number.isSafeInteger(seq) || seq < 1) return undefined
    const recent = this.recent.entry(seq)
    if (recent !== undefined) return recent
    const bytes = await this.db.get(seqKey(seq))
    return bytes === undefined ? undefined : this.decodeStored(bytes)
  }

  async getEntryByCid (cid: CID): Promise<SignedRecord<Entry> | undefined> {
    const seq = await this.db.get(prefixed(Bucket.seqByCid, cid.bytes))
    return seq === undefined ? undefined : this.getEntry(decodeSeq(seq))
  }

  async getBlock (cid: CID): Promise<Uint8Array | undefined> {
    return this.recent.block(cid) ?? await this.db.get(prefixed(Bucket.block, cid.bytes))
  }

  /**
   * Entries from `from` to `to` (both inclusive), in order, up to the head durable when the call
   * began: recent ones from memory, older ones from disk. `verify` checks each signature (read from
   * disk, then).
   */
  async * entries (from = 1, to = Number.MAX_SAFE_INTEGER, options: { verify?: boolean } = {}): AsyncGenerator<SignedRecord<Entry>> {
    const last = Math.min(to, this.durable.seq)
    let next = Math.max(1, from)
    while (next <= last) {
      const cached = options.verify === true ? undefined : this.recent.entry(next)
      if (cached !== undefined) {
        yield cached
        next++
        continue
      }
      // From disk, up to where the entries in memory begin (they may have moved on meanwhile).
      const inMemory = options.verify === true ? undefined : this.recent.from
      const until = inMemory !== undefined && inMemory > next ? Math.min(last, inMemory - 1) : last
      const before = next
      for await (const [key, bytes] of this.db.iterator({ gte: seqKey(next), lte: seqKey(until) })) {
        const entry = options.verify === true ? decodeRecord(entryKind, bytes) : this.decodeStored(bytes)
        if (entry.value.seq !== seqFromKey(key)) throw new LogError('LOG_CORRUPT', `entry stored at ${seqFromKey(key)} says seq ${entry.value.seq}`)
        yield entry
        next = entry.value.seq + 1
      }
      if (next === before) return // nothing stored there
    }
  }

  /** Our own bytes, written by us: schema and canonical form are checked, signatures are not. */
  private decodeStored (bytes: Uint8Array): SignedRecord<Entry> {
    try {
      return decodeRecord(entryKind, bytes, { skipSignatures: true })
    } catch (err) {
      throw new LogError('LOG_CORRUPT', `a stored entry does not decode: ${(err as Error).message}`, {}, { cause: err })
    }
  }

  /** Writes entries and blocks of an export into an empty log (restore from backup). */
  async restore (entries: AsyncIterable<{ entry: SignedRecord<Entry>, blocks: Block[] }>): Promise<number> {
    if (this.durable.seq !== 0 || this.pending.length > 0 || this.writer !== null) throw new LogError('LOG_NOT_EMPTY', 'restore needs an empty log')
    let ops: Array<{ type: 'put', key: Uint8Array, value: Uint8Array }> = []
    let last: LogHead = this.durable
    for await (const { entry, blocks } of entries) {
      if (entry.value.author !== this.author) throw new LogError('LOG_AUTHOR_MISMATCH', `the export belongs to ${entry.value.author}, not to ${this.author}`)
      ops.push({ type: 'put', key: seqKey(entry.value.seq), value: entry.bytes })
      ops.push({ type: 'put', key: prefixed(Bucket.seqByCid, entry.cid.bytes), value: encodeSeq(entry.value.seq) })
      for (const block of blocks) ops.push({ type: 'put', key: prefixed(Bucket.block, block.cid.bytes), value: block.bytes })
      last = { seq: entry.value.seq, cid: entry.cid, ts: entry.value.ts }
      if (ops.length >= 3 * this.maxBatch) {
        await this.db.batch(ops, { sync: true })
        ops = []
      }
    }
    await this.db.batch(ops, { sync: true })
    this.durable = last
    return last.seq
  }

  /** Waits for queued appends, then closes the database. Safe to call twice. */
  close (): Promise<void> {
    this.closing ??= (async () => {
      while (this.writer !== null) await this.writer
      await this.chain.close()
      await this.db.close()
    })()
    return this.closing
  }
}
