// The asp command in a child process, as an operator runs it.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { cliPath } from './paths.js'

const exec = promisify(execFile)

/** Runs `asp ARGS…`; never throws for a non-zero exit: the code is in the result. */
export async function asp (...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cliPath, ...args])
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}
