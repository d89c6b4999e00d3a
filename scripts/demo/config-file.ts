// Edits settings in a node's config.toml in place: the file keeps every comment `asp init` wrote,
// so whoever opens it sees the demo's values beside the explanation of each.
import { readFile, writeFile } from 'node:fs/promises'

/** section ('' for the top level) -> key -> value (numbers, booleans, strings, arrays of those). */
export type Settings = Record<string, Record<string, unknown>>

export async function setConfig (file: string, settings: Settings): Promise<void> {
  const lines = (await readFile(file, 'utf8')).split('\n')
  const missing = new Set(Object.entries(settings).flatMap(([section, keys]) => Object.keys(keys).map((key) => `${section}.${key}`)))
  let section = ''
  for (const [i, line] of lines.entries()) {
    const header = /^\[([A-Za-z0-9_.-]+)\]\s*$/.exec(line)
    if (header !== null) {
      section = header[1] as string
      continue
    }
    const key = /^([A-Za-z0-9_-]+)\s*=/.exec(line)?.[1]
    const value = key === undefined ? undefined : settings[section]?.[key]
    if (key === undefined || value === undefined) continue
    // JSON's numbers, booleans, strings and arrays of them are TOML too.
    lines[i] = `${key} = ${JSON.stringify(value)}`
    missing.delete(`${section}.${key}`)
  }
  if (missing.size > 0) throw new Error(`${file} has no setting ${[...missing].join(', ')}`)
  await writeFile(file, lines.join('\n'))
}
