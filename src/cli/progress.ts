// A one-line progress display on a terminal's stderr; silent when stderr is not a terminal.
export interface Progress {
  update(text: string): void
  done(): void
}

export function progressLine (stream: NodeJS.WriteStream = process.stderr, intervalMs = 200): Progress {
  if (stream.isTTY !== true) return { update: () => {}, done: () => {} }
  let last = 0
  let shown = false
  return {
    update (text) {
      const now = Date.now()
      if (now - last < intervalMs) return
      last = now
      shown = true
      stream.write(`\r\x1b[2K${text}`)
    },
    done () {
      if (shown) stream.write('\r\x1b[2K')
    }
  }
}

export function formatBytes (n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}
