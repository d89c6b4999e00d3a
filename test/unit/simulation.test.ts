import assert from 'node:assert/strict'
import type { Check } from '../../scripts/simulation/check.js'
import { DEFAULT_OPTIONS, SCENARIOS, type SimOptions } from '../../scripts/simulation/options.js'
import { Rng } from '../../scripts/simulation/prng.js'
import { combine, runTask, tasksFor } from '../../scripts/simulation/tasks.js'

/** Every scenario of REPUTATION.md, smaller: 50 orgs, 90 days (decay still runs its 240 idle days). */
const REDUCED: SimOptions = { ...DEFAULT_OPTIONS, orgs: 50, days: 90, pretrusted: 3, sybilVolume: 20 }

function run (scenario: typeof SCENARIOS[number]): Check[] {
  const options = { ...REDUCED, scenarios: [scenario] }
  const tasks = tasksFor(options)
  return combine(tasks, tasks.map((task) => runTask(task, options, () => {})))
}

function assertBounds (checks: Check[]): void {
  assert.ok(checks.some((c) => c.pass !== null), 'at least one bound is checked')
  for (const c of checks) assert.notEqual(c.pass, false, `${c.scenario}: ${c.measure} = ${c.value}${c.unit}, bound ${c.bound}`)
}

describe('reputation simulation', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario}: every figure within its bound`, () => assertBounds(run(scenario)))
  }

  it('is deterministic for a seed', () => {
    const options = { ...REDUCED, orgs: 20, days: 40, scenarios: ['malicious' as const] }
    const once = runTask({ kind: 'scenario', scenario: 'malicious' }, options, () => {})
    const twice = runTask({ kind: 'scenario', scenario: 'malicious' }, options, () => {})
    assert.deepEqual(once, twice)
  })

  it('draws independent named streams from one seed', () => {
    const a = new Rng(7)
    const first = a.stream('x').next()
    a.stream('y').next()
    assert.equal(new Rng(7).stream('x').next(), first)
    assert.notEqual(new Rng(8).stream('x').next(), first)
    const r = new Rng(1)
    for (let i = 0; i < 1000; i++) {
      const v = r.next()
      assert.ok(v >= 0 && v < 1)
      assert.ok(r.int(6) < 6)
    }
  })
})
