// Witness trust from PageRank mass: tau(w) = min(1, pi(w) * N_eff / rho), tau(observer) = 1, where
// N_eff = exp(-sum pi ln pi) is the effective number of orgs holding trust. Identities that hold no
// mass (Sybils behind few edges) add almost nothing to N_eff, so they cannot lower the bar.

export interface TrustResult {
  readonly trust: Float64Array
  readonly effectiveOrgs: number
}

/**
 * Masses at or below `floor` count as zero: a converged power iteration can leave up to
 * tolerance / a on an org the walk no longer reaches, and a warm start must not make it a witness.
 */
export function witnessTrust (rank: Float64Array, observer: number, scale: number, floor: number): TrustResult {
  let entropy = 0
  for (let i = 0; i < rank.length; i++) {
    const p = rank[i] as number
    if (p > floor) entropy -= p * Math.log(p)
  }
  const effectiveOrgs = Math.exp(entropy)
  const factor = effectiveOrgs / scale
  const trust = new Float64Array(rank.length)
  for (let i = 0; i < rank.length; i++) {
    const p = rank[i] as number
    trust[i] = p > floor ? Math.min(1, p * factor) : 0
  }
  trust[observer] = 1
  return { trust, effectiveOrgs }
}
