// How hard this process worked over a phase: CPU time, event loop utilization and delay, and how
// busy the loop was between given moments (from cumulative samples every few ms). With every node in
// one process, time one node spends computing is time no other node can run.
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks'
import { wallNow } from './node-events.js'

export interface ProcessStats {
  cpuMs: number
  wallMs: number
  /** Event loop utilization over the phase, 0..1. */
  loopBusy: number
  loopDelayMs: { p50: number, p99: number, max: number }
  /** Loop utilization within each window asked for (undefined when no samples cover it). */
  busyIn: Array<number | undefined>
}

export class ProcessMeter {
  private cpu: NodeJS.CpuUsage | undefined
  private elu: EventLoopUtilization | undefined
  private delay: IntervalHistogram | undefined
  private started = 0
  private samples: Array<{ t: number, active: number }> = []
  private timer: NodeJS.Timeout | undefined
  /** CPU and wall time to leave out (work between the timed parts). */
  private excluded = { cpuMs: 0, wallMs: 0 }
  private pausedAt: { cpu: NodeJS.CpuUsage, wall: number } | undefined

  start (): void {
    this.cpu = process.cpuUsage()
    this.elu = performance.eventLoopUtilization()
    this.delay = monitorEventLoopDelay({ resolution: 5 })
    this.delay.enable()
    this.started = performance.now()
    this.samples = []
    this.excluded = { cpuMs: 0, wallMs: 0 }
    this.sample()
    this.timer = setInterval(() => this.sample(), 10)
  }

  /** Leaves what runs until resume() out of the CPU and wall figures. */
  pause (): void {
    this.pausedAt = { cpu: process.cpuUsage(), wall: performance.now() }
  }

  resume (): void {
    if (this.pausedAt === undefined) return
    const u = process.cpuUsage(this.pausedAt.cpu)
    this.excluded.cpuMs += (u.user + u.system) / 1000
    this.excluded.wallMs += performance.now() - this.pausedAt.wall
    this.pausedAt = undefined
  }

  stop (windows: Array<[number, number]> = []): ProcessStats {
    clearInterval(this.timer)
    this.sample()
    this.delay?.disable()
    const u = process.cpuUsage(this.cpu)
    const ms = (ns: number): number => ns / 1e6
    return {
      cpuMs: (u.user + u.system) / 1000 - this.excluded.cpuMs,
      wallMs: performance.now() - this.started - this.excluded.wallMs,
      loopBusy: performance.eventLoopUtilization(this.elu).utilization,
      loopDelayMs: { p50: ms(this.delay?.percentile(50) ?? 0), p99: ms(this.delay?.percentile(99) ?? 0), max: ms(this.delay?.max ?? 0) },
      busyIn: windows.map(([from, to]) => this.between(from, to))
    }
  }

  private between (from: number, to: number): number | undefined {
    const before = this.samples.findLast((s) => s.t <= from)
    const after = this.samples.find((s) => s.t >= to)
    if (before === undefined || after === undefined || after.t <= before.t) return undefined
    return (after.active - before.active) / (after.t - before.t)
  }

  private sample (): void {
    this.samples.push({ t: wallNow(), active: performance.eventLoopUtilization().active })
  }
}
