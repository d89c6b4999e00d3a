// The demo's steps: each has a name, and anything that did not happen as described fails the step
// by name, so the demo exits non-zero saying which step went wrong. Conditions are waited for by
// polling with a deadline, never by sleeping a fixed time.

export class StepFailed extends Error {
  override name = 'StepFailed'
  constructor (readonly step: string, message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

let current = '(setup)'
const started = Date.now()
const aborts = new AbortController()

/** Aborted on SIGINT or SIGTERM: every wait ends, and the demo cleans up. */
export const interrupted: AbortSignal = aborts.signal

export function interrupt (reason: string): void {
  aborts.abort(new Error(reason))
}

export function elapsed (): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`
}

/** Runs one step of the story under a heading; a failure inside names it. */
export async function step<T> (title: string, body: () => Promise<T>): Promise<T> {
  current = title
  console.log(`\n▶ ${title}`)
  try {
    return await body()
  } catch (err) {
    // An API or CLI error is this step's failure too: say which step it broke.
    if (err instanceof StepFailed) throw err
    throw new StepFailed(title, (err as Error).message, { cause: err })
  }
}

/** Fails the current step unless `condition` holds. */
export function check (condition: boolean, what: string): asserts condition {
  if (!condition) throw new StepFailed(current, what)
}

/** Fails the current step with `what`. */
export function fail (what: string): never {
  throw new StepFailed(current, what)
}

/** A line that says what was checked and held. */
export function ok (what: string): void {
  console.log(`  ✓ ${what}`)
}

export function note (text: string): void {
  for (const line of text.split('\n')) console.log(`  ${line}`)
}

export interface WaitOptions {
  timeoutMs?: number
  intervalMs?: number
}

/**
 * Polls `probe` until it returns something other than undefined, and returns that. Fails the
 * current step with `what` after `timeoutMs`; an error thrown by the probe is retried until then
 * and reported with the failure.
 */
export async function waitFor<T> (what: string, probe: () => Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000)
  let lastError = ''
  for (;;) {
    if (interrupted.aborted) fail(`interrupted while waiting for ${what}`)
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (err) {
      if (err instanceof StepFailed) throw err
      lastError = (err as Error).message
    }
    if (Date.now() > deadline) fail(`timed out after ${options.timeoutMs ?? 20_000} ms waiting for ${what}${lastError !== '' ? ` (last error: ${lastError})` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250))
  }
}
