// When each step of an automatic dispute happened on each node of a network, put together from the
// nodes' events (node-events.ts), wherever the nodes run.
import type { NodeEvent } from './node-events.js'

/** One dispute as the nodes lived it; times are wall-clock ms, node keys are indexes into the network. */
export interface DisputeTrace {
  commitment: string
  /** The obligation's deadline plus the configured grace: the earliest the watchdog may open it. */
  fire: number
  dispute?: string
  /** The dispute's own openedAt (the claimant's clock when it signed). */
  openedAt?: number
  disputeStored: Map<number, number>
  /** When an arbiter's due() first listed the dispute: its decision starts (evidence requests next). */
  decideStart: Map<number, number>
  /** Each arbiter's vote: its `at` (stamped after the evidence was gathered, just before signing). */
  votes: Map<string, { at: number, outcome: string }>
  /** When each node first stored a verdict on the dispute. */
  verdictStored: Map<number, number>
  /** Verdict records each node stored for the dispute (more than one: different vote sets assembled). */
  verdictRecords: Map<number, number>
}

export class DisputeTimeline {
  private readonly byCommitment = new Map<string, DisputeTrace>()
  private readonly byDispute = new Map<string, DisputeTrace>()
  private readonly waiters = new Set<() => void>()

  constructor (private readonly nodeCount: number) {}

  /** Starts following the dispute that the watchdog will open about `commitment`. */
  follow (commitment: string, fire: number): DisputeTrace {
    const trace: DisputeTrace = { commitment, fire, disputeStored: new Map(), decideStart: new Map(), votes: new Map(), verdictStored: new Map(), verdictRecords: new Map() }
    this.byCommitment.set(commitment, trace)
    return trace
  }

  handle (e: NodeEvent): void {
    if (e.type === 'dispute') {
      const trace = this.byCommitment.get(e.commitment)
      if (trace === undefined) return
      trace.dispute ??= e.cid
      trace.openedAt ??= e.openedAt
      this.byDispute.set(e.cid, trace)
      if (!trace.disputeStored.has(e.node)) trace.disputeStored.set(e.node, e.t)
    } else if (e.type === 'vote') {
      const trace = this.byDispute.get(e.dispute)
      if (trace !== undefined && !trace.votes.has(e.arbiter)) trace.votes.set(e.arbiter, { at: e.at, outcome: e.outcome })
    } else if (e.type === 'decide') {
      const trace = this.byDispute.get(e.dispute)
      if (trace !== undefined && !trace.decideStart.has(e.node)) trace.decideStart.set(e.node, e.t)
    } else if (e.type === 'verdict') {
      const trace = this.byDispute.get(e.dispute)
      if (trace === undefined) return
      if (!trace.verdictStored.has(e.node)) trace.verdictStored.set(e.node, e.t)
      trace.verdictRecords.set(e.node, (trace.verdictRecords.get(e.node) ?? 0) + 1)
    } else {
      return
    }
    for (const wake of this.waiters) wake()
  }

  /** Resolves once every node holds a verdict on the trace's dispute; false after `timeoutMs`. */
  async verdictEverywhere (trace: DisputeTrace, timeoutMs: number): Promise<boolean> {
    const done = (): boolean => trace.verdictStored.size === this.nodeCount
    if (done()) return true
    return new Promise<boolean>((resolve) => {
      const finish = (ok: boolean): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
        resolve(ok)
      }
      const check = (): void => { if (done()) finish(true) }
      const timer = setTimeout(() => finish(done()), timeoutMs)
      this.waiters.add(check)
    })
  }
}

/** The steps of one finished dispute, in ms; they add up to `total`. */
export interface DisputeStages {
  /** Deadline plus grace until the watchdog signed the dispute (waiting for its next tick). */
  watchdog: number
  /** The configured response window: arbiters wait this long after openedAt on purpose. */
  window: number
  /** Window end until the arbiter whose vote made the quorum found the dispute due (its next tick). */
  arbiterTick: number
  /** That arbiter's decision: evidence requested from both parties (in parallel), verified, ruled. */
  evidence: number
  /** Quorum vote stamped until the first node stored a verdict: vote signed, stored, gossiped, stored, verdict assembled, stored. */
  voteToVerdict: number
  /** First node until the last node stored a verdict: verdict gossip. */
  verdictGossip: number
  total: number
  /** openedAt until the last node stored the dispute (inside the window, so off the critical path). */
  disputeGossip: number
}

export function stagesOf (trace: DisputeTrace, windowMs: number, quorum: number, arbiterIndex: (org: string) => number): DisputeStages | undefined {
  if (trace.openedAt === undefined || trace.verdictStored.size === 0) return undefined
  const votes = [...trace.votes.entries()].sort((a, b) => a[1].at - b[1].at)
  const quorumVote = votes[quorum - 1]
  if (quorumVote === undefined) return undefined
  const start = trace.decideStart.get(arbiterIndex(quorumVote[0]))
  if (start === undefined) return undefined
  const verdictTimes = [...trace.verdictStored.values()]
  const firstVerdict = Math.min(...verdictTimes)
  const lastVerdict = Math.max(...verdictTimes)
  const windowEnd = trace.openedAt + windowMs
  return {
    watchdog: trace.openedAt - trace.fire,
    window: windowMs,
    arbiterTick: start - windowEnd,
    evidence: quorumVote[1].at - start,
    voteToVerdict: firstVerdict - quorumVote[1].at,
    verdictGossip: lastVerdict - firstVerdict,
    total: lastVerdict - trace.fire,
    disputeGossip: Math.max(...[...trace.disputeStored.values()]) - trace.openedAt
  }
}
