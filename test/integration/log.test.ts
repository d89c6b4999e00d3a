import assert from 'node:assert/strict'
import { join } from 'node:path'
import { verifyExports } from '../../src/audit/verify.js'
import { ManualClock } from '../../src/clock.js'
import { LogError } from '../../src/errors.js'
import { exportLog } from '../../src/log/export.js'
import { importExport } from '../../src/log/import.js'
import { Log } from '../../src/log/log.js'
import { agentCardKind, entryKind } from '../../src/records/kinds/index.js'
import { decodeRecord, signRecord } from '../../src/records/record.js'
import { testSigner } from '../helpers/keys.js'
import { tempDir } from '../helpers/tmp.js'

async function rejectsWith (promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof LogError && err.code === code)
}

describe('log (LevelDB on disk)', () => {
  const alice = testSigner('alice')
  let dir: { path: string, remove: () => Promise<void> }
  let log: Log
  const clock = new ManualClock()

  beforeEach(async () => {
    dir = await tempDir()
    log = await Log.open(join(dir.path, 'log'), alice, { clock })
  })

  afterEach(async () => {
    await log.close()
    await dir.remove()
  })

  it('appends a hash chain: seq from 1, prev = CID of the previous entry, signed by the org', async () => {
    const first = await log.append('genesis', { network: 'devnet', software: 'test' })
    const second = await log.append('note', { text: 'hello' })
    assert.equal(first.value.seq, 1)
    assert.equal(first.value.prev, null)
    assert.equal(second.value.seq, 2)
    assert.equal(second.value.prev?.toString(), first.cid.toString())
    assert.equal(second.value.author, alice.orgId)
    assert.doesNotThrow(() => decodeRecord(entryKind, second.bytes))
  })

  it('reads by seq, by CID, by range, and reports the head', async () => {
    const appended = []
    for (let i = 0; i < 10; i++) appended.push(await log.append('note', { text: `n${i}` }))
    assert.equal((await log.getEntry(4))?.cid.toString(), appended[3]?.cid.toString())
    assert.equal((await log.getEntryByCid(appended[6]!.cid))?.value.seq, 7)
    assert.equal(await log.getEntry(11), undefined)
    assert.equal(await log.getEntry(0), undefined)
    const range = []
    for await (const e of log.entries(3, 5, { verify: true })) range.push(e.value.seq)
    assert.deepEqual(range, [3, 4, 5])
    assert.deepEqual({ seq: log.head().seq, cid: log.head().cid?.toString() }, { seq: 10, cid: appended[9]?.cid.toString() })
    const head = log.signHead()
    assert.equal(head.value.seq, 10)
    assert.equal(head.value.cid?.toString(), appended[9]?.cid.toString())
  })

  it('group commit: concurrent appends share durable batch writes and keep one chain', async () => {
    const results = await Promise.all(Array.from({ length: 500 }, async (_, i) => log.append('note', { text: `c${i}` })))
    const seqs = results.map((r) => r.value.seq).sort((a, b) => a - b)
    assert.deepEqual(seqs, Array.from({ length: 500 }, (_, i) => i + 1))
    const stats = log.stats()
    assert.equal(stats.entries, 500)
    assert.ok(stats.batches < 500 / 4, `expected batching, got ${stats.batches} writes for 500 entries`)
    let prev: string | null = null
    for await (const e of log.entries(1, 500, { verify: true })) {
      assert.equal(e.value.prev?.toString() ?? null, prev)
      prev = e.cid.toString()
    }
  })

  it('recent entries come from memory, older ones from disk: one range reads the same as from disk alone', async () => {
    const small = await Log.open(join(dir.path, 'small'), alice, { clock, recentEntries: 3 })
    try {
      const card = signRecord(agentCardKind, { v: 1, org: alice.orgId, agent: 'a', capabilities: ['arbiter'], summary: '', addresses: [], expires: 1, seq: 1 }, alice)
      await small.append('record', { kind: 'agent-card', record: card.cid }, [card])
      await Promise.all(Array.from({ length: 9 }, async (_, i) => small.append('note', { text: `n${i}` })))
      const read = async (from: number, to: number, verify = false): Promise<string[]> => {
        const out: string[] = []
        for await (const e of small.entries(from, to, { verify })) out.push(`${e.value.seq} ${e.cid.toString()}`)
        return out
      }
      const fromDisk = await read(1, 10, true)
      assert.equal(fromDisk.length, 10)
      assert.deepEqual(await read(1, 10), fromDisk)
      assert.deepEqual(await read(6, 9), fromDisk.slice(5, 9))
      assert.deepEqual(await read(9, 100), fromDisk.slice(8))
      assert.equal((await small.getEntry(10))?.value.seq, 10)
      // The card's block left memory with its entry: it is read from disk.
      assert.deepEqual(new Uint8Array(await small.getBlock(card.cid) ?? []), card.bytes)
      // A range read sees the head as it was when the read began, not entries appended meanwhile.
      const seen: number[] = []
      for await (const e of small.entries()) {
        if (seen.length === 0) await small.append('note', { text: 'during the read' })
        seen.push(e.value.seq)
      }
      assert.deepEqual(seen, Array.from({ length: 10 }, (_, i) => i + 1))
    } finally {
      await small.close()
    }
  })

  it('a failed durable write fails its appends and those signed on top of it; the chain goes on from the durable head', async () => {
    await log.append('note', { text: 'before' })
    // The disk refuses the next batch write once.
    const db = (log as unknown as { db: { batch: (...args: unknown[]) => Promise<void> } }).db
    const batch = db.batch.bind(db)
    let refused = 0
    db.batch = async (...args: unknown[]) => {
      if (refused++ === 0) throw new Error('disk full')
      return batch(...args)
    }
    const outcomes = await Promise.allSettled(Array.from({ length: 300 }, async (_, i) => log.append('note', { text: `during ${i}` })))
    const failed = outcomes.filter((o) => o.status === 'rejected')
    assert.ok(failed.length > 0)
    for (const f of failed) assert.ok(f.status === 'rejected' && f.reason instanceof LogError && f.reason.code === 'LOG_WRITE_FAILED')
    const kept = outcomes.filter((o) => o.status === 'fulfilled').length
    assert.equal(log.head().seq, 1 + kept)
    await log.append('note', { text: 'after' })
    // Every entry on disk verifies and links to the one before: no gap, no entry of a failed batch.
    let prev: string | null = null
    let count = 0
    for await (const e of log.entries(1, Number.MAX_SAFE_INTEGER, { verify: true })) {
      assert.equal(e.value.prev?.toString() ?? null, prev)
      prev = e.cid.toString()
      count++
    }
    assert.equal(count, 2 + kept)
  })

  it('timestamps never go backwards, even when the clock does', async () => {
    clock.set(2_000_000_000_000)
    const a = await log.append('note', { text: 'a' })
    clock.set(1_000_000_000_000)
    const b = await log.append('note', { text: 'b' })
    assert.ok(b.value.ts >= a.value.ts)
  })

  it('refuses bad bodies with a typed error and leaves the log unchanged', async () => {
    await log.append('note', { text: 'kept' })
    const before = log.head()
    await rejectsWith(log.append('note', { text: '' }), 'LOG_BODY_INVALID')
    await rejectsWith(log.append('note', { text: 'x', extra: 1 } as never), 'LOG_BODY_INVALID')
    await rejectsWith(log.append('nonsense' as never, {} as never), 'LOG_UNKNOWN_ENTRY_KIND')
    const card = signRecord(agentCardKind, { v: 1, org: alice.orgId, agent: 'a', capabilities: ['arbiter'], summary: '', addresses: [], expires: 1, seq: 1 }, alice)
    await rejectsWith(log.append('record', { kind: 'agent-card', record: card.cid }), 'LOG_BODY_INVALID')
    await rejectsWith(log.append('record', { kind: 'agent-card', record: card.cid }, [{ cid: card.cid, bytes: new Uint8Array(3) }]), 'LOG_BODY_INVALID')
    assert.deepEqual(log.head(), before)
  })

  it('stores referenced records with their entry, atomically', async () => {
    const card = signRecord(agentCardKind, { v: 1, org: alice.orgId, agent: 'a', capabilities: ['arbiter'], summary: '', addresses: [], expires: 1, seq: 1 }, alice)
    await log.append('record', { kind: 'agent-card', record: card.cid }, [card])
    assert.deepEqual(await log.getBlock(card.cid), card.bytes)
  })

  it('reopens at its head, and refuses to open under another org key', async () => {
    for (let i = 0; i < 5; i++) await log.append('note', { text: `n${i}` })
    const head = log.head()
    await log.close()
    log = await Log.open(join(dir.path, 'log'), alice, { clock })
    assert.deepEqual(log.head(), head)
    const next = await log.append('note', { text: 'after reopen' })
    assert.equal(next.value.prev?.toString(), head.cid?.toString())
    await log.close()
    await rejectsWith(Log.open(join(dir.path, 'log'), testSigner('mallory'), { clock }), 'LOG_AUTHOR_MISMATCH')
    log = await Log.open(join(dir.path, 'log'), alice, { clock })
  })

  it('refuses appends after close', async () => {
    await log.close()
    await rejectsWith(log.append('note', { text: 'late' }), 'LOG_CLOSED')
  })

  it('exports to a CAR that verifies, and imports it back into an empty log', async () => {
    await log.append('genesis', { network: 'devnet', software: 'test' })
    const card = signRecord(agentCardKind, { v: 1, org: alice.orgId, agent: 'a', capabilities: ['arbiter'], summary: '', addresses: [], expires: 1, seq: 1 }, alice)
    await log.append('record', { kind: 'agent-card', record: card.cid }, [card])
    await log.append('record', { kind: 'agent-card', record: card.cid }, [card])
    for (let i = 0; i < 20; i++) await log.append('note', { text: `n${i}` })
    const file = join(dir.path, 'export.car')
    const result = await exportLog(log, file)
    assert.equal(result.entries, 23)
    assert.equal(result.blocks, 1)
    const report = await verifyExports([file], { now: clock.now() })
    assert.equal(report.ok, true, JSON.stringify(report.first))
    assert.equal(report.files[0]?.type === 'log' && report.files[0].recordsChecked, 1)

    const restored = await Log.open(join(dir.path, 'restored'), alice, { clock })
    try {
      await importExport(file, restored, { now: clock.now() })
      assert.deepEqual(restored.head(), log.head())
      // LevelDB hands back a Buffer; the record's bytes are a plain Uint8Array: the bytes must match.
      assert.deepEqual(new Uint8Array(await restored.getBlock(card.cid) ?? []), card.bytes)
      await rejectsWith(importExport(file, restored, { now: clock.now() }), 'LOG_NOT_EMPTY')
    } finally {
      await restored.close()
    }
    const stranger = await Log.open(join(dir.path, 'stranger'), testSigner('bob'), { clock })
    try {
      await rejectsWith(importExport(file, stranger, { now: clock.now() }), 'LOG_AUTHOR_MISMATCH')
      assert.equal(stranger.head().seq, 0)
    } finally {
      await stranger.close()
    }
  })
})
