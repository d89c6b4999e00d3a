// The units of work of a simulation run: one per scenario, and one per variant for the scenarios
// that run several networks (each camouflage fraction, each attack-edge count, the doubling), so
// that they spread over worker threads. Results are put back in scenario order.
import type { Check, Progress } from './check.js'
import type { ScenarioName, SimOptions } from './options.js'
import { baseline } from './scenarios/baseline.js'
import { camouflage } from './scenarios/camouflage.js'
import { collective } from './scenarios/collective.js'
import { decay } from './scenarios/decay.js'
import { fork } from './scenarios/fork.js'
import { malicious } from './scenarios/malicious.js'
import { replay } from './scenarios/replay.js'
import { slander } from './scenarios/slander.js'
import { doublingChecks, doublingG, runSybil, sybilChecks, sybilCount, type SybilRun } from './scenarios/sybil.js'
import { whitewashing } from './scenarios/whitewashing.js'

export type Task =
  | { readonly kind: 'scenario', readonly scenario: Exclude<ScenarioName, 'camouflage' | 'sybil'> }
  | { readonly kind: 'camouflage', readonly fraction: number }
  | { readonly kind: 'sybil', readonly g: number, readonly doubled: boolean }

export interface TaskResult {
  readonly checks: Check[]
  readonly sybil?: SybilRun
}

const SIMPLE = { baseline, decay, malicious, collective, whitewashing, slander, fork, replay } as const

/** Every task of the selected scenarios, in table order. */
export function tasksFor (options: SimOptions): Task[] {
  const tasks: Task[] = []
  for (const scenario of options.scenarios) {
    if (scenario === 'camouflage') {
      for (const fraction of options.camouflageFractions) tasks.push({ kind: 'camouflage', fraction })
    } else if (scenario === 'sybil') {
      for (const g of options.attackEdges) tasks.push({ kind: 'sybil', g, doubled: false })
      const g = doublingG(options)
      if (g !== undefined) tasks.push({ kind: 'sybil', g, doubled: true })
    } else {
      tasks.push({ kind: 'scenario', scenario })
    }
  }
  return tasks
}

export function taskName (task: Task): string {
  switch (task.kind) {
    case 'scenario': return task.scenario
    case 'camouflage': return `camouflage f=${task.fraction}`
    case 'sybil': return `sybil g=${task.g}${task.doubled ? ' x2' : ''}`
  }
}

export function runTask (task: Task, options: SimOptions, progress: Progress): TaskResult {
  switch (task.kind) {
    case 'scenario': return { checks: SIMPLE[task.scenario](options, progress) }
    case 'camouflage': return { checks: camouflage({ ...options, camouflageFractions: [task.fraction] }, progress) }
    case 'sybil': {
      const count = sybilCount(options)
      const run = runSybil(options, task.doubled ? 2 * count : count, task.g, progress)
      return { checks: task.doubled ? [] : sybilChecks(task.g, run), sybil: run }
    }
  }
}

/** The table: every task's rows in order, with the doubling rows computed from both Sybil runs. */
export function combine (tasks: readonly Task[], results: readonly TaskResult[]): Check[] {
  const checks: Check[] = []
  tasks.forEach((task, i) => {
    const result = results[i]
    if (result === undefined) return
    checks.push(...result.checks)
    if (task.kind === 'sybil' && task.doubled && result.sybil !== undefined) {
      const base = tasks.findIndex((t) => t.kind === 'sybil' && !t.doubled && t.g === task.g)
      const baseRun = results[base]?.sybil
      if (baseRun !== undefined) checks.push(...doublingChecks(task.g, baseRun, result.sybil))
    }
  })
  return checks
}

/** Rough relative cost, to start the longest tasks first. */
export function cost (task: Task): number {
  switch (task.kind) {
    case 'sybil': return task.doubled ? 12 : 6
    case 'camouflage': return 4
    case 'scenario': return { baseline: 10, decay: 8, slander: 9, replay: 6, fork: 5, whitewashing: 4, collective: 3, malicious: 3 }[task.scenario]
  }
}
