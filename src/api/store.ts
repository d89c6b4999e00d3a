// The API's own state, in a LevelDB of its own beside the log (<data-dir>/api-state): idempotent
// results, the event journal, webhook registrations and cursors. One table (sublevel) per concern,
// behind a narrow interface; `get` treats only not-found as absent.
import { join } from 'node:path'
import { Level } from 'level'

export const API_STATE_DIR = 'api-state'

export interface Range {
  gt?: string
  gte?: string
  lt?: string
  lte?: string
  limit?: number
  reverse?: boolean
}

/* eslint-disable @typescript-eslint/no-explicit-any -- abstract-level's sublevel types do not travel well */
export class Table<V> {
  constructor (readonly sub: any) {}

  async get (key: string): Promise<V | undefined> {
    return await this.sub.get(key) as V | undefined
  }

  async put (key: string, value: V): Promise<void> {
    await this.sub.put(key, value)
  }

  async del (key: string): Promise<void> {
    await this.sub.del(key)
  }

  async * entries (range: Range = {}): AsyncGenerator<[string, V]> {
    for await (const [k, v] of this.sub.iterator(range)) yield [k as string, v as V]
  }

  async clear (range: Range): Promise<void> {
    await this.sub.clear(range)
  }

  putOp (key: string, value: V): { type: 'put', sublevel: any, key: string, value: V } {
    return { type: 'put', sublevel: this.sub, key, value }
  }

  delOp (key: string): { type: 'del', sublevel: any, key: string } {
    return { type: 'del', sublevel: this.sub, key }
  }
}

export class ApiStore {
  /** principal \n key -> stored result */
  readonly idempotency: Table<unknown>
  /** zero-padded ts \n principal \n key -> '' (for expiry) */
  readonly idempotencyByTime: Table<string>
  /** zero-padded event id -> event */
  readonly events: Table<unknown>
  /** session id -> seq of its last message turned into events */
  readonly journaled: Table<number>
  /** agent -> webhook */
  readonly webhooks: Table<unknown>
  /** commitment/obligation -> when its obligation.due event was journaled */
  readonly due: Table<number>
  readonly meta: Table<unknown>

  private constructor (private readonly db: Level<string, unknown>) {
    const table = <V>(name: string, valueEncoding = 'json'): Table<V> => new Table<V>(db.sublevel(name, { valueEncoding } as never))
    this.idempotency = table('idem')
    this.idempotencyByTime = table('idem-time', 'utf8')
    this.events = table('events')
    this.journaled = table('journaled')
    this.webhooks = table('webhooks')
    this.due = table('due')
    this.meta = table('meta')
  }

  static async open (dataDir: string): Promise<ApiStore> {
    const db = new Level<string, unknown>(join(dataDir, API_STATE_DIR), { valueEncoding: 'json' })
    await db.open()
    return new ApiStore(db)
  }

  /** Several writes in different tables, atomically. */
  async batch (ops: Array<ReturnType<Table<any>['putOp']> | ReturnType<Table<any>['delOp']>>): Promise<void> {
    await this.db.batch(ops as any)
  }

  async close (): Promise<void> {
    await this.db.close()
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Keys that sort as numbers do: 16 digits, zero-padded. */
export function padded (n: number): string {
  return n.toString().padStart(16, '0')
}
