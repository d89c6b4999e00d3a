// Part 1 of bench:disputes: on a 6-node network (buyer, two vendors, three arbiters, as in
// test/integration/consequences.test.ts), a vendor misses its deadline, N times in turn; the time
// from deadline plus grace to a verdict stored by every node, split into its steps, beside what the
// same run measures for its parts.
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { defaultConfig } from '../../src/config.js'
import { eventually } from '../../test/helpers/network.js'
import { terms } from '../../test/helpers/session-kit.js'
import { tempDir } from '../../test/helpers/tmp.js'
import type { DisputeSettings } from './dispute-config.js'
import { startInProcess, startProcesses, type DisputeNet } from './dispute-net.js'
import { DisputeTimeline, stagesOf, type DisputeStages } from './dispute-timeline.js'
import { durableWrites } from './durable-write.js'
import { rawGossipRounds, recordGossipRounds } from './gossip-to-all.js'
import type { NodeHandle, NodeStats } from './node-handle.js'
import { profileTo } from './profile.js'
import type { Row } from './report.js'
import { summary } from './stats.js'

// Roles as in the integration test: node 0 (which the others bootstrap from) is an arbiter.
const NODES = 6
const BUYER = 1
const VENDORS = [2, 3]
const ARBITERS = [0, 4, 5]
const QUORUM = 2
/** The vendor's deadline, from the deal's close: long enough for the attestation to reach everyone. */
const DELIVER_IN_MS = 300
const VERDICT_TIMEOUT_MS = 30_000
const GOSSIP_ROUNDS = 30
const EVIDENCE_PER_DISPUTE = 3

export interface LatencyOptions {
  mode: 'one' | 'processes'
  disputes: number
  settings: DisputeSettings
  /** Where to write a CPU profile of the timed disputes (one-process mode only). */
  profileDir?: string
  progress: (text: string) => void
}

type Summary = ReturnType<typeof summary>

/** REQUEST, PROPOSE, ACCEPT, COMMIT, COMMIT with the deal kit's terms; the vendor's delivery is due at `dueBy`. */
async function closeDeal (buyer: NodeHandle, vendor: NodeHandle, arbiters: string[], dueBy: number): Promise<string> {
  const t = terms({
    arbiters,
    quorum: QUORUM,
    deliveryBy: dueBy,
    paymentBy: dueBy + 86_400_000,
    obligations: [
      { id: 'deliver', obligor: 'responder', what: 'make 500 GPU hours available', dueBy },
      { id: 'pay', obligor: 'initiator', what: 'pay 20,000.00 EUR', dueBy: dueBy + 86_400_000 }
    ]
  })
  const session = await buyer.dealOpen(vendor.orgId)
  await vendor.dealPropose(session, t)
  await buyer.dealAccept(session)
  await vendor.dealCommit(session)
  return buyer.dealCommit(session)
}

export async function disputeLatency (o: LatencyOptions): Promise<{ rows: Row[], notes: string[], extra: Record<string, unknown> }> {
  const { settings, progress } = o
  const shipped = defaultConfig()
  const tag = o.mode === 'one' ? '1 process' : '6 processes'
  let net: DisputeNet | undefined
  const scratch = await tempDir('asp-bench-writes-')
  try {
    progress(`[${tag}] starting ${NODES} nodes (buyer, two vendors, three arbiters) on 127.0.0.1`)
    net = o.mode === 'one' ? await startInProcess(NODES, settings) : await startProcesses(NODES, settings)
    const { handles } = net
    const buyer = handles[BUYER]!
    const arbiters = ARBITERS.map((i) => handles[i]!)
    const arbiterOrgs = arbiters.map((a) => a.orgId)
    await eventually('every node connected to every other', async () => (await Promise.all(handles.map(async (h) => h.peers()))).every((n) => n >= NODES - 1), 30_000)
      .catch(() => progress('  not every node is connected to every other; gossip takes more hops'))
    const peers = await Promise.all(handles.map(async (h) => h.peers()))

    progress(`[${tag}] baselines: raw gossipsub and ASP record gossip from the buyer to the ${NODES - 1} others (${GOSSIP_ROUNDS} rounds each), synced writes`)
    const rawGossip = await rawGossipRounds(net, BUYER, GOSSIP_ROUNDS)
    const recordGossip = await recordGossipRounds(net, BUYER, GOSSIP_ROUNDS)
    const write = summary(await durableWrites(join(scratch.path, 'writes'), 200))

    const timeline = new DisputeTimeline(NODES)
    net.onEvent((e) => timeline.handle(e))
    const orgIndex = new Map(handles.map((h) => [h.orgId, h.index]))
    const stages: DisputeStages[] = []
    const evidenceTimes: number[] = []
    /** Per dispute: from the quorum vote's stamp to the last verdict stored (wall-clock ms). */
    const afterVote: Array<[number, number]> = []
    let incomplete = 0
    let moreThanOneVerdict = 0
    let stopProfile: (() => Promise<void>) | undefined
    progress(`[${tag}] disputes: 1 warm-up and ${o.disputes} timed, one after another (grace ${settings.graceMs} ms, watchdog interval ${settings.intervalMs} ms, response window ${settings.windowMs} ms)`)
    for (let k = -1; k < o.disputes; k++) {
      if (k === 0) {
        await Promise.all(handles.map(async (h) => h.nodeStats(true)))
        await net.meterStart()
        if (o.profileDir !== undefined && o.mode === 'one') stopProfile = await profileTo(join(o.profileDir, 'disputes.cpuprofile'))
      }
      const vendor = handles[VENDORS[(k + 2) % VENDORS.length]!]!
      const dueBy = Date.now() + DELIVER_IN_MS
      const commitment = await closeDeal(buyer, vendor, arbiterOrgs, dueBy)
      const trace = timeline.follow(commitment, dueBy + settings.graceMs)
      const ok = await timeline.verdictEverywhere(trace, dueBy + settings.graceMs - Date.now() + VERDICT_TIMEOUT_MS)
      if (k < 0) continue
      const s = ok ? stagesOf(trace, settings.windowMs, QUORUM, (org) => orgIndex.get(org) ?? -1) : undefined
      if (s === undefined) {
        incomplete++
        progress(`  dispute ${k}: no verdict on every node within ${VERDICT_TIMEOUT_MS} ms of deadline plus grace (${trace.verdictStored.size} of ${NODES} nodes)`)
        continue
      }
      stages.push(s)
      afterVote.push([trace.fire + s.watchdog + s.window + s.arbiterTick + s.evidence, trace.fire + s.total])
      moreThanOneVerdict += [...trace.verdictRecords.values()].filter((n) => n > 1).length
      // The evidence exchange alone, as the arbiter makes it (both parties asked in parallel), left out of the meters.
      await net.meterPause()
      for (let e = 0; e < EVIDENCE_PER_DISPUTE; e++) evidenceTimes.push(await arbiters[0]!.evidence(trace.dispute!, [buyer.orgId, vendor.orgId]))
      await net.meterResume()
      if ((k + 1) % 10 === 0) progress(`  ${k + 1} of ${o.disputes}: last total ${s.total.toFixed(0)} ms`)
    }
    await stopProfile?.()
    const processes = await net.meterStop(afterVote)
    const nodeStats = await Promise.all(handles.map(async (h) => h.nodeStats(false)))
    if (stages.length === 0) throw new Error('no dispute reached a verdict on every node')
    return report(tag, o, { stages, evidenceTimes, incomplete, moreThanOneVerdict, peers, rawGossip, recordGossip, write, processes, nodeStats, afterVote, shipped })
  } finally {
    progress(`[${tag}] stopping the network`)
    await net?.stop()
    await scratch.remove()
  }
}

interface Measured {
  stages: DisputeStages[]
  evidenceTimes: number[]
  incomplete: number
  moreThanOneVerdict: number
  peers: number[]
  rawGossip: { times: number[], incomplete: number }
  recordGossip: { times: number[], incomplete: number }
  write: Summary
  processes: Array<Awaited<ReturnType<DisputeNet['meterStop']>>[number]>
  nodeStats: NodeStats[]
  afterVote: Array<[number, number]>
  shipped: ReturnType<typeof defaultConfig>
}

function report (tag: string, o: LatencyOptions, m: Measured): { rows: Row[], notes: string[], extra: Record<string, unknown> } {
  const { settings } = o
  const n = m.stages.length
  const of = (key: keyof DisputeStages): Summary => summary(m.stages.map((s) => s[key]))
  const total = of('total')
  const minusWindow = summary(m.stages.map((s) => s.total - s.window))
  const raw = summary(m.rawGossip.times)
  const stored = summary(m.recordGossip.times)
  const evidence = summary(m.evidenceTimes)
  // What no implementation with these settings avoids: the window, waiting for the watchdog's and an
  // arbiter's next tick (each uniform in [0, interval], so their sum has median = interval), one
  // evidence exchange, and two gossip hops stored everywhere (vote, then verdict).
  const unavoidable = settings.intervalMs + evidence.p50 + 2 * stored.p50
  const steps: Array<[keyof DisputeStages, string]> = [
    ['watchdog', 'watchdog tick wait (deadline + grace -> dispute signed)'],
    ['window', 'response window (configured, deliberate)'],
    ['arbiterTick', 'arbiter tick wait (window end -> arbiter finds it due)'],
    ['evidence', 'evidence round trips + ruling (-> quorum vote stamped)'],
    ['voteToVerdict', 'vote stored + gossiped, verdict assembled + stored'],
    ['verdictGossip', 'verdict gossip (first -> last node stored)']
  ]
  const ranked = steps.map(([key, label]) => ({ key, label, ms: of(key).p50 })).sort((a, b) => b.ms - a.ms)
  const disputeGossip = of('disputeGossip')
  const sum = (f: (s: NodeStats) => number): number => m.nodeStats.reduce((acc, s) => acc + f(s), 0) / n
  const cpuMs = m.processes.reduce((acc, p) => acc + p.cpuMs, 0) / n
  const wallMs = Math.max(...m.processes.map((p) => p.wallMs)) / n
  // From the quorum vote to the last verdict, the busiest process's loop, per dispute.
  const busyAfterVote = summary(m.afterVote.map((_, i) => Math.max(...m.processes.map((p) => p.busyIn[i] ?? 0))).map((x) => 100 * x))
  const loopBusy = Math.max(...m.processes.map((p) => p.loopBusy))
  const delayP99 = Math.max(...m.processes.map((p) => p.loopDelayMs.p99))
  const delayMax = Math.max(...m.processes.map((p) => p.loopDelayMs.max))
  const label = (text: string): string => `[${tag}] ${text}`
  const rows: Row[] = [
    { name: label('raw gossipsub, buyer -> all 5 others (p50)'), value: raw.p50, unit: 'ms' },
    { name: label('ASP record gossip, checked + stored by all 5 (p50)'), value: stored.p50, unit: 'ms', baseline: { name: 'raw gossipsub p50', value: raw.p50 } },
    { name: label('durable LevelDB write, synced (p50)'), value: m.write.p50, unit: 'ms' },
    { name: label('evidence exchange, both parties in parallel (p50)'), value: evidence.p50, unit: 'ms' },
    { name: label('response window (configured wait)'), value: settings.windowMs, unit: 'ms' },
    { name: label('watchdog/arbiter interval (configured)'), value: settings.intervalMs, unit: 'ms' },
    { name: label(`deadline + grace -> verdict on all 6 nodes (p50, n=${n})`), value: total.p50, unit: 'ms', baseline: { name: 'window + interval + evidence + 2 record gossips', value: settings.windowMs + unavoidable } },
    { name: label('deadline + grace -> verdict on all 6 nodes (p99)'), value: total.p99, unit: 'ms' },
    { name: label('same, response window subtracted (p50)'), value: minusWindow.p50, unit: 'ms', baseline: { name: 'interval + evidence + 2 record gossips', value: unavoidable } },
    { name: label('same, response window subtracted (p99)'), value: minusWindow.p99, unit: 'ms' },
    ...steps.filter(([key]) => key !== 'window').map(([key, text]): Row => ({ name: label(`  step: ${text} (p50)`), value: of(key).p50, unit: 'ms' }))
  ]
  const placement = o.mode === 'one' ? `${NODES} nodes in one process` : `${NODES} nodes, one child process each`
  const notes = [
    `[${tag}] network: ${placement} on 127.0.0.1; node ${BUYER} buyer, nodes ${VENDORS.join(', ')} vendors (alternating), nodes ${ARBITERS.join(', ')} arbiters (quorum ${QUORUM}); peers per node ${m.peers.join(', ')}; head gossip and sync at the shipped intervals; ${n} disputes one after another, ${m.incomplete} without a verdict on every node within ${VERDICT_TIMEOUT_MS / 1000} s; measured from the vendor's deadline plus grace (the earliest the buyer's watchdog may act) until the last node stored a verdict (onAccepted, after its durable log write)`,
    `[${tag}] what dominates: ${ranked.map((r) => `${r.label} ${r.ms.toFixed(1)} ms`).join('; ')} (medians; per dispute the steps add up to its total)`,
    `[${tag}] the window is a deliberate wait (arbiters let the parties answer; shipped default ${m.shipped.disputes.responseWindowMs / 60_000} min); the two tick waits come from polling at the watchdog interval (shipped ${m.shipped.disputes.watchdogIntervalMs / 1000} s, so at shipped settings a dispute takes about window + 1 interval); dispute gossip to all nodes ${disputeGossip.p50.toFixed(1)} ms p50 (${disputeGossip.max.toFixed(1)} max) happens inside the window, off the path`,
    `[${tag}] vote to first verdict (${of('voteToVerdict').p50.toFixed(1)} ms) holds three durable writes (the arbiter stores its vote before gossiping it, an assembler stores the vote before counting it, then stores the verdict; ${m.write.p50.toFixed(1)} ms each p50), one gossip hop (an ASP record gossiped and stored by all: ${stored.p50.toFixed(1)} ms p50) and the assembly (the verdict's records decoded and verified)`,
    `[${tag}] verdicts: ${sum((s) => s.verdictsPublished).toFixed(1)} verdict messages published per dispute (every arbiter and party assembles one when it holds a quorum of votes, sometimes twice); validators ran ${sum((s) => s.verdictValidations).toFixed(1)} times per dispute over the 6 nodes, each a full decode and at least 5 signature checks before the duplicate lookup: ${sum((s) => s.verdictCpuMs).toFixed(1)} ms of CPU per dispute (${sum((s) => s.verdictWallMs).toFixed(1)} ms of wall time); ${m.moreThanOneVerdict} of ${NODES * n} node-disputes ended with more than one verdict record stored (different vote pairs); votes: ${sum((s) => s.voteValidations).toFixed(1)} validations, ${sum((s) => s.voteCpuMs).toFixed(1)} ms of CPU per dispute`,
    o.mode === 'one'
      ? `[${tag}] placement artifacts: the six nodes' polling loops start together in one process and stay close in phase, so an arbiter tends to tick right at the window's end (arbiter tick wait ${of('arbiterTick').p50.toFixed(1)} ms p50, where nodes started apart wait interval/2 = ${(settings.intervalMs / 2).toFixed(0)} ms on average); and all six nodes' CPU work runs on one thread, so after the vote each node waits for the others' checks`
      : `[${tag}] placement artifacts: six node processes share this machine's ${availableParallelism()} cores (and whatever else runs on it): when a verdict arrives all six want a core at once, so the CPU-bound steps after the vote wait for one (compare the validators' wall and CPU time above); each process also pays its own share of libp2p, timers and GC`,
    `[${tag}] CPU: ${cpuMs.toFixed(0)} ms per dispute for the six nodes (${wallMs.toFixed(0)} ms of wall time each); event loop busy ${(100 * loopBusy).toFixed(0)}% over the phase in the busiest process, ${busyAfterVote.p50.toFixed(0)}% (p50, p99 ${busyAfterVote.p99.toFixed(0)}%) from the quorum vote to the last verdict; event loop delay p99 ${delayP99.toFixed(1)} ms, max ${delayMax.toFixed(1)} ms`
  ]
  const extra = {
    mode: tag,
    settings: { ...settings, deliverInMs: DELIVER_IN_MS },
    peers: m.peers,
    rawGossip: { ...raw, incomplete: m.rawGossip.incomplete, unit: 'ms' },
    recordGossip: { ...stored, incomplete: m.recordGossip.incomplete, unit: 'ms' },
    durableWrite: { ...m.write, unit: 'ms' },
    evidence: { ...evidence, unit: 'ms' },
    total: { ...total, unit: 'ms' },
    totalMinusWindow: { ...minusWindow, unit: 'ms' },
    stages: Object.fromEntries([...steps.map(([key]) => key), 'disputeGossip' as const].map((key) => [key, of(key)])),
    incomplete: m.incomplete,
    moreThanOneVerdict: m.moreThanOneVerdict,
    perDispute: {
      cpuMs,
      verdictsPublished: sum((s) => s.verdictsPublished),
      verdictValidations: sum((s) => s.verdictValidations),
      verdictCpuMs: sum((s) => s.verdictCpuMs),
      verdictWallMs: sum((s) => s.verdictWallMs),
      voteValidations: sum((s) => s.voteValidations),
      voteCpuMs: sum((s) => s.voteCpuMs)
    },
    loopBusyAfterVotePct: busyAfterVote,
    processes: m.processes.map((p) => ({ cpuMs: p.cpuMs, wallMs: p.wallMs, loopBusy: p.loopBusy, loopDelayMs: p.loopDelayMs }))
  }
  return { rows, notes, extra }
}
