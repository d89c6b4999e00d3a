// An open-addressing hash table from (subject, witness) org-index pairs to pair numbers, in one
// interleaved typed array (subject, witness, value per slot: one cache line per probe), with no
// allocation per lookup, unlike a Map keyed by a combined number beyond 2^31.

const EMPTY = -1

export class PairIndex {
  private table = new Int32Array(3 * 1024).fill(EMPTY)
  private slots = 1024
  private size = 0

  private static slot (subject: number, witness: number, mask: number): number {
    return (Math.imul(subject, 0x9e3779b1) ^ Math.imul(witness, 0x85ebca77)) & mask
  }

  /** The pair number of (subject, witness), or -1. */
  get (subject: number, witness: number): number {
    const mask = this.slots - 1
    const t = this.table
    for (let i = PairIndex.slot(subject, witness, mask); ; i = (i + 1) & mask) {
      const s = t[3 * i] as number
      if (s === EMPTY) return -1
      if (s === subject && t[3 * i + 1] === witness) return t[3 * i + 2] as number
    }
  }

  /** Records (subject, witness) -> value; the pair must be absent. */
  set (subject: number, witness: number, value: number): void {
    if (2 * (this.size + 1) > this.slots) this.grow()
    this.place(subject, witness, value)
    this.size++
  }

  private place (subject: number, witness: number, value: number): void {
    const mask = this.slots - 1
    const t = this.table
    let i = PairIndex.slot(subject, witness, mask)
    while (t[3 * i] !== EMPTY) i = (i + 1) & mask
    t[3 * i] = subject
    t[3 * i + 1] = witness
    t[3 * i + 2] = value
  }

  private grow (): void {
    const old = this.table
    const oldSlots = this.slots
    this.slots *= 2
    this.table = new Int32Array(3 * this.slots).fill(EMPTY)
    for (let i = 0; i < oldSlots; i++) {
      if (old[3 * i] !== EMPTY) this.place(old[3 * i] as number, old[3 * i + 1] as number, old[3 * i + 2] as number)
    }
  }
}
