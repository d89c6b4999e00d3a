// The signed heads seen per org, to spot forks: two heads (or a head and an entry) that claim
// different entries at one (org, seq). A bounded window of recent seqs is kept per org.
import type { Head } from '../records/kinds/index.js'
import type { SignedRecord } from '../records/record.js'

const WINDOW = 256

export type Observation =
  | { status: 'new' }
  | { status: 'duplicate' }
  | { status: 'fork', other: SignedRecord<Head> }

export class HeadBook {
  private readonly byOrg = new Map<string, Map<number, SignedRecord<Head>>>()

  observe (head: SignedRecord<Head>): Observation {
    const { author, seq, cid } = head.value
    let seen = this.byOrg.get(author)
    if (seen === undefined) {
      seen = new Map()
      this.byOrg.set(author, seen)
    }
    const other = seen.get(seq)
    if (other !== undefined) {
      if (other.value.cid?.toString() === cid?.toString()) return { status: 'duplicate' }
      return { status: 'fork', other }
    }
    seen.set(seq, head)
    if (seen.size > WINDOW) seen.delete(Math.min(...seen.keys()))
    return { status: 'new' }
  }

  latest (org: string): SignedRecord<Head> | undefined {
    const seen = this.byOrg.get(org)
    if (seen === undefined || seen.size === 0) return undefined
    return seen.get(Math.max(...seen.keys()))
  }

  orgs (): string[] {
    return [...this.byOrg.keys()]
  }
}
