// A CPU profile of one part of a benchmark (not its setup), for chrome://inspect or speedscope.
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'

/** Starts profiling this thread; the returned function stops and writes the .cpuprofile to `file`. */
export async function profileTo (file: string): Promise<() => Promise<void>> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return async () => {
    const { profile } = await session.post('Profiler.stop')
    session.disconnect()
    await writeFile(file, JSON.stringify(profile))
  }
}
