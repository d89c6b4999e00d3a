// Exponential decay with a shared epoch. A decayed sum sum(v * 2^(-(now - at) / h)) is kept as
// sum(v * 2^((at - epoch) / h)) and multiplied by 2^(-(now - epoch) / h) when read, so adding a
// record is O(1) and reading needs no pass over old records.
import { DAY_MS } from './params.js'

/** Exponents stay within +-REBASE_LIMIT half-lives of the epoch; beyond that the epoch moves. */
const REBASE_LIMIT = 600

export class Decay {
  private epochMs: number | undefined
  readonly honoredMs: number
  readonly failedMs: number

  constructor (honoredHalfLifeDays: number, failedHalfLifeDays: number) {
    this.honoredMs = honoredHalfLifeDays * DAY_MS
    this.failedMs = failedHalfLifeDays * DAY_MS
  }

  get epoch (): number {
    return this.epochMs ?? 0
  }

  /**
   * Makes `at` usable; returns the factors by which sums kept so far must be multiplied
   * (honored, failed) when the epoch has to move, or undefined when it does not.
   */
  admit (at: number): { honored: number, failed: number } | undefined {
    if (this.epochMs === undefined) {
      this.epochMs = at
      return undefined
    }
    const shortest = Math.min(this.honoredMs, this.failedMs)
    if ((at - this.epochMs) / shortest <= REBASE_LIMIT) return undefined
    const shift = at - this.epochMs
    this.epochMs = at
    return { honored: 2 ** (-shift / this.honoredMs), failed: 2 ** (-shift / this.failedMs) }
  }

  /** v * honoredScale(at) is v's contribution to a scaled honored sum. */
  honoredScale (at: number): number {
    return 2 ** ((at - this.epoch) / this.honoredMs)
  }

  failedScale (at: number): number {
    return 2 ** ((at - this.epoch) / this.failedMs)
  }

  /** Multiplies a scaled honored sum into its value at `now`. */
  honoredAt (now: number): number {
    return 2 ** (-(now - this.epoch) / this.honoredMs)
  }

  failedAt (now: number): number {
    return 2 ** (-(now - this.epoch) / this.failedMs)
  }
}
