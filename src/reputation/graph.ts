// The honored-deal graph in compressed sparse rows: an edge witness -> subject for each pair with
// honored evidence, weighted by its decayed value weight and normalized per row into the
// probability that a walk at the witness moves on to that subject.
import type { Tally } from './tally.js'

export interface Graph {
  readonly size: number
  readonly rowStart: Int32Array
  readonly column: Int32Array
  readonly probability: Float64Array
  /** Rows with no outgoing weight: their walkers restart. */
  readonly dangling: Int32Array
  readonly edges: number
}

export function buildGraph (tally: Tally, size: number): Graph {
  const count = new Int32Array(size + 1)
  const witness = tally.pWitness.data
  const subject = tally.pSubject.data
  const weight = tally.pWeight.data
  const pairs = tally.pairCount
  for (let p = 0; p < pairs; p++) {
    if ((weight[p] as number) <= 0) continue
    const row = (witness[p] as number) + 1
    count[row] = (count[row] as number) + 1
  }
  const rowStart = new Int32Array(size + 1)
  for (let i = 0; i < size; i++) rowStart[i + 1] = (rowStart[i] as number) + (count[i + 1] as number)
  const edges = rowStart[size] as number
  const column = new Int32Array(edges)
  const probability = new Float64Array(edges)
  const fill = rowStart.slice(0, size)
  const rowSum = new Float64Array(size)
  for (let p = 0; p < pairs; p++) {
    const w = weight[p] as number
    if (w <= 0) continue
    const i = witness[p] as number
    const e = fill[i] as number
    fill[i] = e + 1
    column[e] = subject[p] as number
    probability[e] = w
    rowSum[i] = (rowSum[i] as number) + w
  }
  const dangling: number[] = []
  for (let i = 0; i < size; i++) {
    const sum = rowSum[i] as number
    if (sum === 0) {
      dangling.push(i)
      continue
    }
    const end = rowStart[i + 1] as number
    for (let e = rowStart[i] as number; e < end; e++) probability[e] = (probability[e] as number) / sum
  }
  return { size, rowStart, column, probability, dangling: Int32Array.from(dangling), edges }
}
