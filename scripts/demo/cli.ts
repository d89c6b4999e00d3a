// The operator's side of the demo: the real `asp` command, run in a child process from the demo's
// folder, so every command printed can be pasted as it is after `cd` into that folder.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { fail, interrupted, note } from './steps.js'

export const cliPath = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url))

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

let cwd = process.cwd()

/** The folder the data dirs are in; commands run there and name the data dirs relative to it. */
export function setCliFolder (folder: string): void {
  cwd = folder
}

export async function asp (args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { cwd, maxBuffer: 64 * 1024 * 1024, signal: interrupted }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() })
    })
  })
}

export function commandLine (args: string[]): string {
  return `$ asp ${args.map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`
}

/** Runs a command that must succeed; fails the current step with its output otherwise. */
export async function mustRun (args: string[]): Promise<CliResult> {
  const result = await asp(args)
  if (result.code !== 0) fail(`${commandLine(args)} exited with ${result.code}: ${(result.stderr || result.stdout).trim()}`)
  return result
}

/** Runs a command that must succeed, printing it and what it printed, as the operator sees it. */
export async function shown (args: string[], options: { maxLines?: number } = {}): Promise<CliResult> {
  const result = await mustRun(args)
  note(commandLine(args))
  const lines = (result.stdout + result.stderr).trimEnd().split('\n').filter((l) => l !== '')
  const max = options.maxLines ?? 40
  note(lines.slice(0, max).map((l) => `  ${l}`).join('\n') + (lines.length > max ? `\n    (${lines.length - max} more lines)` : ''))
  return result
}

/** Runs a command with --json (the caller adds it) and parses what it printed. */
export async function json<T> (args: string[]): Promise<T> {
  const { stdout } = await mustRun(args)
  try {
    return JSON.parse(stdout) as T
  } catch {
    return fail(`${commandLine(args)} did not print JSON: ${stdout.slice(0, 200)}`)
  }
}
