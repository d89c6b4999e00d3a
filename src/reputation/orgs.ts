// Org ids interned to dense integer indexes, in order of first appearance.

export class OrgTable {
  private readonly index = new Map<string, number>()
  readonly ids: string[] = []

  get size (): number {
    return this.ids.length
  }

  /** The index of `id`, adding it if new. */
  intern (id: string): number {
    let i = this.index.get(id)
    if (i === undefined) {
      i = this.ids.length
      this.index.set(id, i)
      this.ids.push(id)
    }
    return i
  }

  lookup (id: string): number | undefined {
    return this.index.get(id)
  }

  id (index: number): string {
    const id = this.ids[index]
    if (id === undefined) throw new RangeError(`no org at index ${index}`)
    return id
  }
}
