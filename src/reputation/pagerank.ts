// Personalized PageRank by power iteration: pi = a * p + (1 - a) * (P^T pi + dangling(pi) * p),
// from a cold start (pi = p) or warm (a previous pi), until the L1 step is at most the tolerance.
import type { Graph } from './graph.js'

export interface Restart {
  readonly index: Int32Array
  readonly weight: Float64Array
}

export interface RankResult {
  readonly rank: Float64Array
  readonly iterations: number
  /** L1 norm of the last step. */
  readonly residual: number
  readonly converged: boolean
}

export interface RankOptions {
  readonly restart: number
  readonly tolerance: number
  readonly maxIterations: number
  /** A previous rank vector to start from; shorter vectors are padded with zeros. */
  readonly start?: Float64Array
  /** Aitken extrapolation every few steps (default true); false gives plain power iteration. */
  readonly extrapolation?: boolean
}

/** y = P^T x over the graph's rows (kept apart so the hot loop compiles on its own). */
function propagate (x: Float64Array, y: Float64Array, rowStart: Int32Array, column: Int32Array, probability: Float64Array, n: number): void {
  y.fill(0)
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number
    if (xi === 0) continue
    const end = rowStart[i + 1] as number
    for (let e = rowStart[i] as number; e < end; e++) {
      const j = column[e] as number
      y[j] = (y[j] as number) + xi * (probability[e] as number)
    }
  }
}

/** y = (1 - a) * y + (a + (1 - a) * lost) * p; returns the L1 distance from x. */
function restartAndMeasure (x: Float64Array, y: Float64Array, stay: number, back: number, index: Int32Array, weight: Float64Array, n: number): number {
  for (let j = 0; j < n; j++) y[j] = stay * (y[j] as number)
  for (let r = 0; r < index.length; r++) {
    const j = index[r] as number
    y[j] = (y[j] as number) + back * (weight[r] as number)
  }
  let residual = 0
  for (let j = 0; j < n; j++) residual += Math.abs((y[j] as number) - (x[j] as number))
  return residual
}

/** Power steps between two extrapolations. */
const EXTRAPOLATE_EVERY = 10

/**
 * Componentwise Aitken extrapolation from three successive iterates (Kamvar et al. 2003): where a
 * component moves geometrically (ratio in (0, 1)), jump to its limit. A region that only leaks
 * mass by restart (a near-closed class, e.g. a Sybil farm) converges at (1 - a) per step; this
 * finds its limit in a few steps. The result is renormalized, and convergence is still judged on
 * plain power steps, so it only changes how fast the same fixed point is reached.
 */
function extrapolate (x0: Float64Array, x1: Float64Array, x2: Float64Array, out: Float64Array): void {
  let sum = 0
  for (let j = 0; j < out.length; j++) {
    const a = x0[j] as number
    const b = x1[j] as number
    const c = x2[j] as number
    const d1 = b - a
    const d2 = c - b
    let v = c
    if (d1 !== 0) {
      const r = d2 / d1
      if (r > 0 && r < 0.99) v = c + d2 * r / (1 - r)
    }
    if (v < 0) v = 0
    out[j] = v
    sum += v
  }
  for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) / sum
}

export function personalizedPageRank (g: Graph, p: Restart, options: RankOptions): RankResult {
  const n = g.size
  const buffers = [new Float64Array(n), new Float64Array(n), new Float64Array(n)] as const
  if (options.start === undefined) {
    for (let r = 0; r < p.index.length; r++) buffers[0][p.index[r] as number] = (buffers[0][p.index[r] as number] as number) + (p.weight[r] as number)
  } else {
    buffers[0].set(options.start.length > n ? options.start.subarray(0, n) : options.start)
  }
  const { rowStart, column, probability, dangling } = g
  const stay = 1 - options.restart
  let residual = Number.POSITIVE_INFINITY
  let iterations = 0
  // three buffers in rotation: the current iterate and the two before it
  let current = 0
  while (iterations < options.maxIterations) {
    iterations++
    const x = buffers[current] as Float64Array
    const next = (current + 1) % 3
    const y = buffers[next] as Float64Array
    let lost = 0
    for (let d = 0; d < dangling.length; d++) lost += x[dangling[d] as number] as number
    propagate(x, y, rowStart, column, probability, n)
    residual = restartAndMeasure(x, y, stay, options.restart + stay * lost, p.index, p.weight, n)
    current = next
    if (residual <= options.tolerance) break
    if (options.extrapolation !== false && iterations % EXTRAPOLATE_EVERY === 0) {
      const older = buffers[(current + 1) % 3] as Float64Array
      const old = buffers[(current + 2) % 3] as Float64Array
      // older = x_{k-2}, old = x_{k-1}, buffers[current] = x_k; the limit goes where x_{k-2} was
      extrapolate(older, old, buffers[current] as Float64Array, older)
      current = (current + 1) % 3
    }
  }
  return { rank: buffers[current] as Float64Array, iterations, residual, converged: residual <= options.tolerance }
}
