// protocols/vectors/log/: a valid export and tampered ones, each with the finding `asp verify` must
// report (manifest.json). Deterministic: fixed keys, a fixed clock, Ed25519's deterministic signatures.
import { readFile } from 'node:fs/promises'
import * as dagCbor from '@ipld/dag-cbor'
import { join } from 'node:path'
import { ManualClock } from '../../src/clock.js'
import { exportLog } from '../../src/log/export.js'
import { Log } from '../../src/log/log.js'
import { cidOf, encode, type CID } from '../../src/records/codec.js'
import { agentCardKind, entryKind, headKind, type Entry } from '../../src/records/kinds/index.js'
import { signingMessage, signRecord, type SignedRecord } from '../../src/records/record.js'
import { tempDir } from '../../test/helpers/tmp.js'
import { readCar, writeCar, type CarBlock } from './car.js'
import { ALICE, MALLORY, vectorKey, type VectorKey } from './keys.js'

export const T0 = 1_767_225_600_000 // 2026-01-01T00:00:00Z
const STEP = 1000
const ENTRIES = 8
/** The verification time of every vector: one minute after the last entry. */
export const VERIFY_NOW = T0 + ENTRIES * STEP + 60_000
export const MAX_SKEW_MS = 300_000

export interface Expectation { ok: true }
export interface Failure { ok: false, code: string, seq?: number, position?: number }

export interface LogVector {
  name: string
  files: string[]
  description: string
  expect: Expectation | Failure
}

const alice = vectorKey(ALICE)
const mallory = vectorKey(MALLORY)

const card = signRecord(agentCardKind, {
  v: 1, org: alice.orgId, agent: 'sales', capabilities: ['sell:gpu-hours'], summary: 'GPU hours, billed per hour',
  addresses: ['/ip4/127.0.0.1/tcp/4001'], expires: T0 + 86_400_000, seq: 1
}, alice)

type Step = (log: Log) => Promise<unknown>
const steps: Step[] = [
  async (log) => log.append('genesis', { network: 'devnet', software: 'asp-node/vectors' }),
  async (log) => log.append('note', { text: 'opened for business' }),
  async (log) => log.append('record', { kind: 'agent-card', record: card.cid }, [card]),
  ...[4, 5, 6, 7, 8].map((n): Step => async (log) => log.append('note', { text: `note ${n}` }))
]

/** Writes a log through the real Log and exporter; `fourth` replaces entry 4's text (for the fork). */
async function realExport (fourth?: string): Promise<Uint8Array> {
  const dir = await tempDir('asp-vectors-')
  const clock = new ManualClock(T0)
  const log = await Log.open(join(dir.path, 'log'), alice, { clock })
  try {
    for (const [i, step] of steps.entries()) {
      if (i === 3 && fourth !== undefined) await log.append('note', { text: fourth })
      else await step(log)
      clock.advance(STEP)
    }
    await exportLog(log, join(dir.path, 'out.car'))
    return await readFile(join(dir.path, 'out.car'))
  } finally {
    await log.close()
    await dir.remove()
  }
}

/** An entry of the export as a value, to re-sign with changes. */
function entryValue (block: CarBlock): Entry {
  return dagCbor.decode(block.bytes)
}

/** Re-signs entries from `from` (1-based seq) onwards, re-linking prev, and signs a new head. */
function resign (entries: Entry[], change: (e: Omit<Entry, 'sig'>) => Omit<Entry, 'sig'>, from: number, signerFor: (seq: number) => VectorKey = () => alice): { entries: Array<SignedRecord<Entry>>, head: SignedRecord<unknown> } {
  const out: Array<SignedRecord<Entry>> = []
  let prev: CID | null = null
  for (const e of entries) {
    const { sig: _oldSig, ...unsigned } = e
    if (e.seq < from) {
      const bytes = encode(e)
      out.push({ value: e, bytes, cid: cidOf(bytes) })
      prev = cidOf(bytes)
      continue
    }
    const changed = change({ ...unsigned, prev })
    const signer = signerFor(e.seq)
    const signed = { ...changed, sig: signer.sign(signingMessage(entryKind.name, changed)) } as Entry
    const bytes = encode(signed)
    out.push({ value: signed, bytes, cid: cidOf(bytes) })
    prev = cidOf(bytes)
  }
  const last = out[out.length - 1] as SignedRecord<Entry>
  const head = signRecord(headKind, { v: 1, author: alice.orgId, seq: last.value.seq, cid: last.cid, ts: Math.max(last.value.ts, T0 + ENTRIES * STEP) }, alice)
  return { entries: out, head }
}

export async function makeLogVectors (): Promise<{ files: Map<string, Uint8Array>, vectors: LogVector[] }> {
  const files = new Map<string, Uint8Array>()
  const vectors: LogVector[] = []
  const add = (name: string, bytes: Uint8Array | undefined, description: string, expect: LogVector['expect'], extraFiles: string[] = []): void => {
    if (bytes !== undefined) files.set(`${name}.car`, bytes)
    vectors.push({ name, files: bytes !== undefined ? [`${name}.car`, ...extraFiles] : extraFiles, description, expect })
  }

  const valid = await realExport()
  const { roots, blocks } = await readCar(valid)
  // blocks: [head, e1, e2, e3, card, e4, e5, e6, e7, e8]
  const at = (seq: number): number => seq <= 3 ? seq : seq + 1
  const entries = blocks.filter((_, i) => i !== 0 && i !== 4).map(entryValue)
  const rebuilt = async (changed: { entries: Array<SignedRecord<Entry>>, head: SignedRecord<unknown> }, cardBlock: CarBlock = blocks[4] as CarBlock): Promise<Uint8Array> => {
    const list: CarBlock[] = [changed.head]
    for (const e of changed.entries) {
      list.push(e)
      if (e.value.seq === 3) list.push(cardBlock)
    }
    return writeCar([changed.head.cid], list)
  }
  const withBlocks = async (edit: (b: CarBlock[]) => CarBlock[], newRoots = roots): Promise<Uint8Array> => writeCar(newRoots, edit(blocks.slice()))

  add('valid', valid, 'A log of 8 entries (genesis, notes, an agent card by reference) with its signed head.', { ok: true })

  const flipped = Uint8Array.from(blocks[at(4)]!.bytes)
  const flipAt = Buffer.from(flipped).indexOf('note 4') + 5 // the "4" of the note's text
  flipped[flipAt] = (flipped[flipAt] as number) ^ 0x01
  add('body-byte-flipped', await withBlocks((b) => { b[at(4)] = { cid: b[at(4)]!.cid, bytes: flipped }; return b }),
    'One byte of entry 4 flipped; the block keeps its CID.', { ok: false, code: 'EXPORT_BLOCK_HASH_MISMATCH', position: at(4) })

  const headerFlipped = Uint8Array.from(blocks[at(4)]!.bytes)
  headerFlipped[0] = (headerFlipped[0] as number) ^ 0x01 // a map of 8 becomes a map of 9: no longer an entry
  add('entry-header-flipped', await withBlocks((b) => { b[at(4)] = { cid: b[at(4)]!.cid, bytes: headerFlipped }; return b }),
    'The first byte of entry 4 flipped, CID kept: the hash is checked before the bytes are read as an entry.', { ok: false, code: 'EXPORT_BLOCK_HASH_MISMATCH', seq: 4, position: at(4) })

  add('body-byte-flipped-rehashed', await withBlocks((b) => { b[at(4)] = { cid: cidOf(flipped), bytes: flipped }; return b }),
    'The same flip, with the block\'s CID recomputed: only the signature can tell.', { ok: false, code: 'RECORD_SIGNATURE_INVALID', seq: 4, position: at(4) })

  const e4 = entries[3] as Entry
  const { sig: _sig4, ...e4Unsigned } = e4
  const forgedSig = encode({ ...e4, sig: mallory.sign(signingMessage(entryKind.name, e4Unsigned)) })
  add('bad-signature', await withBlocks((b) => { b[at(4)] = { cid: cidOf(forgedSig), bytes: forgedSig }; return b }),
    'Entry 4 carries a signature by another key (well-formed, wrong signer).', { ok: false, code: 'RECORD_SIGNATURE_INVALID', seq: 4, position: at(4) })

  add('deleted-entry', await withBlocks((b) => b.filter((_, i) => i !== at(4))),
    'Entry 4 removed.', { ok: false, code: 'LOG_SEQ_GAP', seq: 4, position: at(4) })

  add('swapped-entries', await withBlocks((b) => { const t = b[at(4)]!; b[at(4)] = b[at(5)]!; b[at(5)] = t; return b }),
    'Entries 4 and 5 change places.', { ok: false, code: 'LOG_SEQ_ORDER', seq: 4, position: at(4) })

  add('truncated', await withBlocks((b) => b.slice(0, at(6))),
    'Entries 6 to 8 removed; the head still says 8.', { ok: false, code: 'LOG_TRUNCATED', seq: 6, position: at(6) })

  // Swap the first two map pairs ("v" then "ts"): same value, keys out of DAG-CBOR order.
  const canonical = blocks[at(4)]!.bytes
  const tsPairLength = 3 + 9 // "ts" key (0x62 't' 's') + uint64 (0x1b + 8 bytes)
  const reordered = Buffer.concat([canonical.subarray(0, 1), canonical.subarray(4, 4 + tsPairLength), canonical.subarray(1, 4), canonical.subarray(4 + tsPairLength)])
  add('non-canonical', await withBlocks((b) => { b[at(4)] = { cid: cidOf(reordered), bytes: reordered }; return b }),
    'Entry 4 re-encoded with its map keys out of canonical order (CID recomputed; the signature still verifies over the canonical form).', { ok: false, code: 'RECORD_NOT_CANONICAL', seq: 4, position: at(4) })

  const forkB = await realExport('a different fourth entry')
  files.set('fork-b.car', forkB)
  add('fork-b', undefined, 'The same author\'s second export, diverging at entry 4; valid on its own.', { ok: true }, ['fork-b.car'])
  add('fork', undefined, 'valid.car and fork-b.car together: two different entries signed at seq 4.', { ok: false, code: 'LOG_FORK', seq: 4 }, ['valid.car', 'fork-b.car'])

  add('forged-entry-no-fork', undefined, 'valid.car and bad-signature.car together: the forged entry 4 is no claim of the author\'s, so there is no fork, only the bad signature.',
    { ok: false, code: 'RECORD_SIGNATURE_INVALID', seq: 4, position: at(4) }, ['valid.car', 'bad-signature.car'])

  add('prev-mismatch', await rebuilt(resign(entries, (e) => (e.seq === 5 ? { ...e, prev: cidOf(encode(entries[1])) } : e), 5)),
    'Entry 5 (validly signed) links to entry 2 instead of entry 4.', { ok: false, code: 'LOG_PREV_MISMATCH', seq: 5, position: at(5) })

  add('ts-backwards', await rebuilt(resign(entries, (e) => (e.seq === 5 ? { ...e, ts: T0 } : e), 5)),
    'Entry 5 (validly signed) is dated before entry 4.', { ok: false, code: 'LOG_TS_ORDER', seq: 5, position: at(5) })

  add('ts-future', await rebuilt(resign(entries, (e) => (e.seq === 8 ? { ...e, ts: VERIFY_NOW + MAX_SKEW_MS + 3_600_000 } : e), 8)),
    'Entry 8 (validly signed) is dated an hour past the allowed skew, and so is the head that covers it: the head, checked first, is reported.', { ok: false, code: 'LOG_TS_FUTURE', seq: 8, position: 0 })

  add('wrong-author', await rebuilt(resign(entries, (e) => (e.seq === 5 ? { ...e, author: mallory.orgId } : e), 5, (seq) => (seq === 5 ? mallory : alice))),
    'Entry 5 is a valid entry by another org, spliced into the chain.', { ok: false, code: 'LOG_AUTHOR_MISMATCH', seq: 5, position: at(5) })

  add('missing-record', await withBlocks((b) => b.filter((_, i) => i !== 4)),
    'The agent card that entry 3 links to is not in the export.', { ok: false, code: 'LOG_REF_MISSING', seq: 3, position: 4 })

  const badCard = encode({ ...card.value, summary: 'changed after signing' })
  add('bad-record', await rebuilt(resign(entries, (e) => (e.seq === 3 ? { ...e, body: { kind: 'agent-card', record: cidOf(badCard) } } : e), 3), { cid: cidOf(badCard), bytes: badCard }),
    'Entry 3 links to an agent card whose signature does not verify.', { ok: false, code: 'RECORD_SIGNATURE_INVALID', seq: 3, position: 4 })

  const staleHead = signRecord(headKind, { v: 1, author: alice.orgId, seq: 8, cid: blocks[at(7)]!.cid, ts: T0 + ENTRIES * STEP }, alice)
  add('head-mismatch', await withBlocks((b) => { b[0] = staleHead; return b }, [staleHead.cid]),
    'The head (validly signed) names entry 7\'s CID as entry 8.', { ok: false, code: 'LOG_HEAD_MISMATCH', seq: 8, position: 0 })

  add('not-a-car', Uint8Array.from(Buffer.from('this is not a CAR file\n')), 'Not a CAR file at all.', { ok: false, code: 'EXPORT_UNREADABLE' })

  add('broken-off', valid.subarray(0, valid.length - 40), 'The valid export cut short inside its last block.', { ok: false, code: 'EXPORT_UNREADABLE', position: at(8) })

  return { files, vectors }
}
