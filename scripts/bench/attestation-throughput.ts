// Part 2 of bench:disputes: attestations taken in per second by one node, the pure check
// (PublicRecords.check) and the full path (check, then accept into the log), beside raw Ed25519
// verifies and signs per second on the same thread and a synced LevelDB write, measured in rounds
// between them. An attestation carries two signatures, so raw verifies/2 bounds it.
import { join } from 'node:path'
import type { Attestation } from '../../src/commitments/attestation-kind.js'
import { defaultConfig } from '../../src/config.js'
import type { SignedRecord } from '../../src/records/record.js'
import { startNetwork, type TestNetwork } from '../../test/helpers/network.js'
import { decodeRate, makeAttestations, nodeRate, rawSignRate } from './attestations.js'
import { durableWrites } from './durable-write.js'
import { profileTo } from './profile.js'
import { rawVerifyBaselines } from './raw-verify.js'
import { rawVerifyRate } from './raw-verify-worker.js'
import type { Row } from './report.js'
import { percentile } from './stats.js'

const ROUNDS = 5
const shipped = defaultConfig()

export interface ThroughputOptions {
  attestations: number
  orgs: number
  /** Where to write a CPU profile of the rounds. */
  profileDir?: string
  progress: (text: string) => void
}

/** Attestations one node takes in per second, beside raw Ed25519 verifies per second. */
export async function attestationThroughput (o: ThroughputOptions): Promise<{ rows: Row[], notes: string[], extra: Record<string, unknown> }> {
  const { progress } = o
  const attestationCount = o.attestations
  const orgCount = o.orgs
  progress('raw Ed25519 verifies per second, one thread (node:crypto in a worker, as the other benches)')
  const rawWorker = (await rawVerifyBaselines(1, 2000)).single
  const perRound = Math.max(100, Math.floor(attestationCount / ROUNDS))
  const seqPerRound = Math.max(50, Math.floor(perRound / 8))
  const total = 200 + ROUNDS * (perRound + seqPerRound)
  progress(`signing ${total} attestations between ${orgCount} orgs`)
  const all = makeAttestations(total, orgCount)
  const warm = all.slice(0, 200)
  const chunk = (r: number): Array<SignedRecord<Attestation>> => all.slice(200 + r * perRound, 200 + (r + 1) * perRound)
  const seqChunk = (r: number): Array<SignedRecord<Attestation>> => all.slice(200 + ROUNDS * perRound + r * seqPerRound, 200 + ROUNDS * perRound + (r + 1) * seqPerRound)
  let net: TestNetwork | undefined
  try {
    net = await startNetwork(1, { config: (c) => { c.gossip.headIntervalMs = shipped.gossip.headIntervalMs; c.sync.intervalMs = shipped.sync.intervalMs } })
    const node = net.nodes[0]!
    const { records } = node
    decodeRate(warm, 300)
    await nodeRate(records, warm, 8, false)
    // The machine is shared: every figure is measured in each of ROUNDS rounds, one after another,
    // and the medians are compared, so that a slow moment weighs on all of them alike.
    const m: Record<'raw' | 'sign' | 'write' | 'decode' | 'check1' | 'check64' | 'full1' | 'full64', number[]> = { raw: [], sign: [], write: [], decode: [], check1: [], check64: [], full1: [], full64: [] }
    const batches = { seq: { batches: 0, entries: 0 }, par: { batches: 0, entries: 0 } }
    progress(`attestations: ${ROUNDS} rounds of: raw verify and sign, decode + verify alone, PublicRecords.check 1 and 64 at a time, check + accept 1 and 64 at a time (${perRound} and ${seqPerRound} per round)`)
    const stopProfile = o.profileDir !== undefined ? await profileTo(join(o.profileDir, 'attestations.cpuprofile')) : undefined
    for (let r = 0; r < ROUNDS; r++) {
      m.raw.push(rawVerifyRate(400))
      m.sign.push(rawSignRate(200))
      m.write.push(percentile(await durableWrites(join(net.root, `writes-${r}`), 40), 50))
      m.decode.push(decodeRate(chunk(r), 400))
      m.check1.push(await nodeRate(records, chunk(r), 1, false))
      m.check64.push(await nodeRate(records, chunk(r), 64, false))
      const s0 = node.log.stats()
      m.full1.push(await nodeRate(records, seqChunk(r), 1, true))
      const s1 = node.log.stats()
      m.full64.push(await nodeRate(records, chunk(r), 64, true))
      const s2 = node.log.stats()
      batches.seq.batches += s1.batches - s0.batches
      batches.seq.entries += s1.entries - s0.entries
      batches.par.batches += s2.batches - s1.batches
      batches.par.entries += s2.entries - s1.entries
    }
    await stopProfile?.()
    const held = node.consequences.book.attestations.size
    if (held !== ROUNDS * (perRound + seqPerRound)) throw new Error(`the node's book holds ${held} attestations, expected ${ROUNDS * (perRound + seqPerRound)}`)
    const med = (xs: number[]): number => percentile(xs, 50)
    const raw = med(m.raw)
    const sign = med(m.sign)
    const writeMs = med(m.write)
    const bound = raw / 2
    const base = { name: 'raw verify/s ÷ 2', value: bound }
    // The full path adds one log entry per attestation: one Ed25519 sign, and its share of a synced write.
    const cpuBound = 1 / (2 / raw + 1 / sign)
    const seqBound = 1 / (2 / raw + 1 / sign + writeMs / 1000)
    const rows: Row[] = [
      { name: 'raw Ed25519 verify, node:crypto, worker thread', value: rawWorker, unit: '/s' },
      { name: 'raw Ed25519 verify, node:crypto, this thread (median)', value: raw, unit: '/s' },
      { name: 'raw Ed25519 sign, node:crypto, this thread (median)', value: sign, unit: '/s' },
      { name: 'durable LevelDB write, synced (median of p50s)', value: writeMs, unit: 'ms' },
      { name: 'attestation decode + verify, no I/O (pure, sync)', value: med(m.decode), unit: '/s', baseline: base },
      { name: 'PublicRecords.check, 1 at a time', value: med(m.check1), unit: '/s', baseline: base },
      { name: 'PublicRecords.check, 64 in flight', value: med(m.check64), unit: '/s', baseline: base },
      { name: 'check + accept into the log, 1 at a time', value: med(m.full1), unit: '/s', baseline: { name: '1 / (2 verify + sign + write)', value: seqBound } },
      { name: 'check + accept into the log, 64 in flight', value: med(m.full64), unit: '/s', baseline: base },
      { name: '  bound with the log entry\'s sign: 1 / (2 verify + sign)', value: cpuBound, unit: '/s' }
    ]
    const perBatch = (b: { batches: number, entries: number }): string => (b.entries / Math.max(1, b.batches)).toFixed(1)
    const notes = [
      `attestations: ${ROUNDS} rounds of ${perRound} (and ${seqPerRound} for check + accept one at a time), between ${orgCount} orgs, two obligations, three arbiters, ${all[0]!.bytes.length} bytes each; one node alone, nothing else running in it; figures are medians over the rounds, raw ones measured on this thread between them (the worker figure is once, before)`,
      'check = size, nesting walk, DAG-CBOR decode and canonical re-encode, schema, the agreement re-encoded for the signing message, both COMMIT signatures, agreement rules, CID, the duplicate lookup in LevelDB, the consequence judge; accept = the log append (an entry signed by the node, group-committed with a synced write) and the listeners (consequence book, reputation view)',
      `log entries per durable batch: ${perBatch(batches.seq)} one at a time, ${perBatch(batches.par)} with 64 in flight`
    ]
    return { rows, notes, extra: { rawWorker, raw, sign, writeMs, bound, cpuBound, seqBound, rounds: m, attestationBytes: all[0]!.bytes.length, batches } }
  } finally {
    await net?.stop()
  }
}
