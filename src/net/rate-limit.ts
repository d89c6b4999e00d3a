// A token bucket per remote peer: each peer may spend `burst` at once, refilled at `perSecond`.
// Time is monotonic (performance.now), so a wall-clock jump neither starves nor floods a peer.

interface Bucket {
  tokens: number
  at: number
}

/** Buckets kept at most; beyond it, the buckets that have refilled to full are dropped (a fresh one is the same). */
const MAX_BUCKETS = 4096

export class PeerRateLimit {
  private readonly buckets = new Map<string, Bucket>()

  constructor (private readonly perSecond: number, private readonly burst: number, private readonly now: () => number = () => performance.now()) {}

  /** Takes one token for `peer`; false when its bucket is empty (and then takes nothing). */
  take (peer: string): boolean {
    const now = this.now()
    let bucket = this.buckets.get(peer)
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.sweep(now)
      bucket = { tokens: this.burst, at: now }
      this.buckets.set(peer, bucket)
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perSecond / 1000)
      bucket.at = now
    }
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  private sweep (now: number): void {
    for (const [peer, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perSecond / 1000 >= this.burst) this.buckets.delete(peer)
    }
  }
}
