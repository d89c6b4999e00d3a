// The floor of anything that must be on disk before it counts: one synced LevelDB write.
import { Level } from 'level'

/** `count` synced puts of a `bytes`-byte value into a fresh LevelDB at `path`, each in ms. */
export async function durableWrites (path: string, count: number, bytes = 1024): Promise<number[]> {
  const db = new Level<string, Uint8Array>(path, { valueEncoding: 'view' })
  await db.open()
  try {
    const value = new Uint8Array(bytes).fill(7)
    const times: number[] = []
    for (let i = 0; i < count; i++) {
      const t = performance.now()
      await db.put(`k${i}`, value, { sync: true })
      times.push(performance.now() - t)
    }
    return times
  } finally {
    await db.close()
  }
}
