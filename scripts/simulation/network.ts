// The standard synthetic network the scenarios start from: honest orgs (some pre-trusted) and,
// when asked, malicious ones; org ids sort by role and number (h000, m000, s000, w000).
import type { ReputationParams } from '../../src/reputation/index.js'
import type { SimOptions } from './options.js'
import { World, type Org } from './world.js'

export interface Network {
  readonly world: World
  readonly honest: Org[]
  readonly malicious: Org[]
}

export function orgId (prefix: string, i: number): string {
  return `${prefix}${String(i).padStart(4, '0')}`
}

export function standardNetwork (options: SimOptions, label: string, malicious = 0, params: Partial<ReputationParams> = {}): Network {
  const world = new World(options, label, params)
  const honestCount = options.orgs - malicious
  const honest = Array.from({ length: honestCount }, (_, i) => world.addOrg(orgId('h', i), 'honest', i < options.pretrusted))
  const bad = Array.from({ length: malicious }, (_, i) => world.addOrg(orgId('m', i), 'malicious'))
  world.openViews()
  return { world, honest, malicious: bad }
}

/** Honest orgs that are not pre-trusted, the ones scenarios pick their actors from. */
export function ordinary (honest: Org[]): Org[] {
  return honest.filter((o) => !o.pretrusted)
}
