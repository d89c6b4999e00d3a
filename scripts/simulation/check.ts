// One row of the simulation's table: a measured figure beside its pass bound.

export interface Check {
  readonly scenario: string
  readonly measure: string
  readonly value: number
  readonly unit: string
  /** The bound as text, e.g. "<= 20"; empty for figures shown for context. */
  readonly bound: string
  readonly pass: boolean | null
}

export function atMost (scenario: string, measure: string, value: number, limit: number, unit = ''): Check {
  return { scenario, measure, value, unit, bound: `<= ${limit}${unit}`, pass: value <= limit }
}

export function atLeast (scenario: string, measure: string, value: number, limit: number, unit = ''): Check {
  return { scenario, measure, value, unit, bound: `>= ${limit}${unit}`, pass: value >= limit }
}

export function info (scenario: string, measure: string, value: number, unit = ''): Check {
  return { scenario, measure, value, unit, bound: '', pass: null }
}

export type Progress = (text: string) => void
