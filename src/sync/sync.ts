// Catch-up sync (/asp/sync/1.0.0): a node asks each peer for the public records it stored after a
// cursor (the peer's own log seq), page by page, and checks every record as if it came by gossip.
// A node that was offline thus ends with the same public records as the peers that stayed online.
import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { logger } from '@libp2p/logger'
import { z } from 'zod'
import type { NodeConfig } from '../config.js'
import type { Log } from '../log/log.js'
import type { Peer } from '../net/libp2p.js'
import { SYNC_PROTOCOL } from '../net/protocols.js'
import { NetError, request, serve } from '../net/rpc.js'
import type { CID } from '../records/codec.js'
import { uint } from '../records/schema-types.js'
import { isPublicKind, type PublicRecords } from '../gossip/public-records.js'

const log = logger('asp:sync')

const CURSOR_FILE = 'sync-cursors.json'
/** Entries a responder reads for one page at most, so a page of sparse records stays cheap. */
const SCAN_PER_PAGE = 4096
/** Pages one sync session fetches at most before yielding to the next round. */
const MAX_PAGES = 1000

const syncRequest = z.strictObject({ network: z.string(), after: uint, limit: z.number().int().min(1).max(1000) })
/** Room left in a page frame for everything but the record bytes (keys, lengths, cursor). */
const PAGE_OVERHEAD = 4096
const syncResponse = z.strictObject({
  records: z.array(z.strictObject({ kind: z.string(), bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array) })).max(1000),
  next: uint,
  more: z.boolean()
})

export class Sync {
  private cursors: Record<string, number> = {}
  private readonly running = new Map<string, Promise<number>>()

  constructor (
    private readonly peer: Peer,
    private readonly log: Log,
    private readonly records: PublicRecords,
    private readonly config: NodeConfig,
    private readonly dataDir: string
  ) {}

  async start (): Promise<void> {
    try {
      this.cursors = JSON.parse(await readFile(join(this.dataDir, CURSOR_FILE), 'utf8')) as Record<string, number>
    } catch {
      this.cursors = {}
    }
    await serve(this.peer, SYNC_PROTOCOL, async (body) => this.page(body), this.config.net)
  }

  /** One page of this node's public records after `after`. */
  private async page (body: unknown): Promise<z.infer<typeof syncResponse>> {
    const parsed = syncRequest.safeParse(body)
    if (!parsed.success) throw new NetError('NET_REQUEST_INVALID', 'a sync request is {network, after, limit}')
    const { network, after, limit } = parsed.data
    if (network !== this.config.network) throw new NetError('NET_WRONG_NETWORK', `this node is on ${this.config.network}, not ${network}`)
    const limitNow = Math.min(limit, this.config.sync.pageSize)
    const records: Array<{ kind: string, bytes: Uint8Array }> = []
    let size = PAGE_OVERHEAD
    let next = after
    for await (const entry of this.log.entries(after + 1, after + SCAN_PER_PAGE)) {
      const body = entry.value.body as { kind?: string, record?: CID }
      if (entry.value.kind === 'record' && body.kind !== undefined && isPublicKind(body.kind) && body.record !== undefined) {
        const bytes = await this.log.getBlock(body.record)
        if (bytes !== undefined) {
          // A page fits in one frame: the record that would overflow it starts the next page.
          if (records.length > 0 && size + bytes.length + 64 > this.config.net.maxFrameBytes) break
          records.push({ kind: body.kind, bytes })
          size += bytes.length + 64
        }
      }
      next = entry.value.seq
      if (records.length >= limitNow) break
    }
    return { records, next, more: next < this.log.head().seq }
  }

  /** Catches up with one peer; concurrent calls for the same peer share one run. Returns records stored. */
  syncWith (remote: PeerId, signal?: AbortSignal): Promise<number> {
    const key = remote.toString()
    let run = this.running.get(key)
    if (run === undefined) {
      run = this.pull(remote, signal).finally(() => this.running.delete(key))
      this.running.set(key, run)
    }
    return run
  }

  private async pull (remote: PeerId, signal?: AbortSignal): Promise<number> {
    const key = remote.toString()
    let stored = 0
    for (let pages = 0; pages < MAX_PAGES && signal?.aborted !== true; pages++) {
      const after = this.cursors[key] ?? 0
      const answer = syncResponse.safeParse(await request(this.peer, remote, SYNC_PROTOCOL, { network: this.config.network, after, limit: this.config.sync.pageSize }, this.config.net, { signal }))
      if (!answer.success || answer.data.next < after) throw new NetError('NET_FRAME_INVALID', `${key} sent a malformed sync page`)
      for (const { kind, bytes } of answer.data.records) {
        // A kind this version does not know (a later version's) is skipped, not held against the peer.
        if (!isPublicKind(kind)) continue
        const verdict = await this.records.check(kind, bytes)
        if (verdict.verdict === 'reject') {
          // A peer that serves invalid records gets no further hearing this round; its cursor stays put.
          throw new NetError('NET_FRAME_INVALID', `${key} served an invalid ${kind}: ${verdict.reason}`)
        }
        if (verdict.verdict === 'accept' && await this.records.accept(kind, verdict.record)) stored++
      }
      const progressed = answer.data.next > after
      this.cursors[key] = answer.data.next
      await this.saveCursors()
      if (!answer.data.more || !progressed) break
    }
    if (stored > 0) log('synced %d records from %s', stored, key)
    return stored
  }

  private async saveCursors (): Promise<void> {
    const file = join(this.dataDir, CURSOR_FILE)
    await writeFile(`${file}.tmp`, JSON.stringify(this.cursors))
    await rename(`${file}.tmp`, file)
  }
}
