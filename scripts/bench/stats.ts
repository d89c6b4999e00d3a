// Percentiles for benchmark samples.

/** Nearest-rank percentile of unsorted samples. */
export function percentile (samples: number[], p: number): number {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN
}

export function summary (samples: number[]): { p50: number, p99: number, min: number, max: number, n: number } {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), min: Math.min(...samples), max: Math.max(...samples), n: samples.length }
}

