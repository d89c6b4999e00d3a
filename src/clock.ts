// Time comes from an injected clock so that tests, deadlines, decay and simulations can move it.
export interface Clock {
  /** Milliseconds since the Unix epoch, as an integer. */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to; for tests and simulations. */
export class ManualClock implements Clock {
  private current: number

  constructor (start = 1_700_000_000_000) {
    this.current = start
  }

  now (): number {
    return this.current
  }

  advance (ms: number): void {
    this.current += ms
  }

  set (ms: number): void {
    this.current = ms
  }
}
