// Argument parsing for the CLI: node:util parseArgs, with usage errors as a typed error (exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util'

export class UsageError extends Error {
  override name = 'UsageError'
}

/** --help: the usage text is the answer, on stdout, with exit status 0. */
export class HelpRequested extends Error {
  override name = 'HelpRequested'
}

export type Options = NonNullable<ParseArgsConfig['options']>

export function parse<O extends Options> (argv: string[], options: O, usage: string): { values: Record<string, string | boolean | string[] | undefined>, positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
    const parsed = values as Record<string, string | boolean | string[] | undefined>
    if (parsed.help === true) throw new HelpRequested(usage)
    return { values: parsed, positionals }
  } catch (err) {
    if (err instanceof HelpRequested) throw err
    throw new UsageError(`${(err as Error).message}\n\n${usage}`)
  }
}

export function requireString (values: Record<string, unknown>, name: string, usage: string): string {
  const v = values[name]
  if (typeof v !== 'string' || v.length === 0) throw new UsageError(`--${name} is required\n\n${usage}`)
  return v
}

export function optionalInt (values: Record<string, unknown>, name: string, usage: string): number | undefined {
  const v = values[name]
  if (v === undefined) return undefined
  const n = Number(v)
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v) || !Number.isSafeInteger(n)) throw new UsageError(`--${name} takes a whole number\n\n${usage}`)
  return n
}
