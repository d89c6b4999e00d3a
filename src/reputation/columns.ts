// Growable typed-array columns: the store keeps one number per org, pair or obligation in each,
// so a million deals cost a few flat arrays instead of a million objects.

export class F64Column {
  data: Float64Array
  constructor (capacity = 1024, readonly fill = 0) {
    this.data = new Float64Array(capacity)
    if (fill !== 0) this.data.fill(fill)
  }

  /** Makes index `n - 1` addressable; new cells hold `fill`. */
  ensure (n: number): void {
    if (n <= this.data.length) return
    let size = this.data.length
    while (size < n) size *= 2
    const next = new Float64Array(size)
    next.set(this.data)
    if (this.fill !== 0) next.fill(this.fill, this.data.length)
    this.data = next
  }
}

export class I32Column {
  data: Int32Array
  constructor (capacity = 1024, readonly fill = 0) {
    this.data = new Int32Array(capacity)
    if (fill !== 0) this.data.fill(fill)
  }

  ensure (n: number): void {
    if (n <= this.data.length) return
    let size = this.data.length
    while (size < n) size *= 2
    const next = new Int32Array(size)
    next.set(this.data)
    if (this.fill !== 0) next.fill(this.fill, this.data.length)
    this.data = next
  }
}
