// `asp verify`: checks exported logs and session transcripts offline, each alone, logs against each
// other (forks), and transcripts against their parties' logs.
import { stat } from 'node:fs/promises'
import { inlinePool, workerPool, type CheckPool } from './check-pool.js'
import { crossCheck } from './cross-check.js'
import { exportType } from './export-type.js'
import { compareFindings, type Finding } from './findings.js'
import { cidOfKey, scanExport, type ExportScan } from './scan-export.js'
import { scanTranscript, type TranscriptScan } from './scan-transcript.js'

/** Exports above this total size are checked with worker threads. */
const WORKER_THRESHOLD_BYTES = 2 * 1024 * 1024

export interface VerifyOptions {
  /** Reference time for the future-timestamp check. @default Date.now() */
  now?: number
  /** How far in the future an entry may be dated. @default 300000 (5 minutes) */
  maxSkewMs?: number
  /** Worker threads for record checks; 0 checks in this thread. @default all cores for large inputs */
  threads?: number
  onProgress?: (p: VerifyProgress) => void
}

export interface VerifyProgress {
  file: string
  fileIndex: number
  files: number
  bytesRead: number
  fileBytes: number
  entries: number
}

export type FileReport = LogFileReport | TranscriptFileReport

export interface LogFileReport {
  type: 'log'
  file: string
  author: string | null
  head: { seq: number, cid: string | null, ts: number } | null
  entries: number
  recordsChecked: number
  recordsUnchecked: number
  ok: boolean
}

export interface TranscriptFileReport {
  type: 'transcript'
  file: string
  /** The session id the manifest names, or null if the manifest was not accepted. */
  session: string | null
  /** The parties (org and first agent) as the first message names them, or null. */
  parties: { initiator: { org: string, agent: string }, responder: { org: string, agent: string } } | null
  /** Messages that passed every check. */
  messages: number
  /** The session's phase after those messages, or null. */
  phase: string | null
  /** The commitment's CID, once it passed every check, or null. */
  commitment: string | null
  /** The log exports of the run it was cross-checked against (its parties' logs, valid on their own). */
  crossChecked: string[]
  ok: boolean
}

export interface VerifyReport {
  ok: boolean
  files: FileReport[]
  /** Every finding, earliest first. */
  findings: Finding[]
  /** The first thing wrong: the earliest finding of the first bad file. */
  first: Finding | null
  threads: number
}

export async function verifyExports (files: string[], options: VerifyOptions = {}): Promise<VerifyReport> {
  const types = await Promise.all(files.map(exportType))
  const logFiles = files.filter((_, i) => types[i] === 'log')
  const transcripts: TranscriptScan[] = []
  for (const [fileIndex, file] of files.entries()) {
    if (types[fileIndex] !== 'transcript') continue
    transcripts.push(await scanTranscript(file, { now: options.now ?? Date.now(), maxSkewMs: options.maxSkewMs ?? 300_000 }))
    options.onProgress?.({ file, fileIndex, files: files.length, bytesRead: 0, fileBytes: 0, entries: 0 })
  }
  // The sessions whose messages the log scans note, for the cross-check.
  const sessions = new Set(transcripts.flatMap((t) => (t.manifest !== undefined ? [t.manifest.session] : [])))

  const sizes = await Promise.all(logFiles.map(async (f) => (await stat(f).catch(() => ({ size: 0 }))).size))
  const total = sizes.reduce((a, b) => a + b, 0)
  const threads = options.threads ?? (total > WORKER_THRESHOLD_BYTES ? undefined : 0)
  const pool: CheckPool = threads === 0 || logFiles.length === 0 ? inlinePool() : workerPool(threads)
  const scans: ExportScan[] = []
  try {
    for (const [logIndex, file] of logFiles.entries()) {
      const fileIndex = files.indexOf(file)
      scans.push(await scanExport(file, {
        now: options.now ?? Date.now(),
        maxSkewMs: options.maxSkewMs ?? 300_000,
        pool,
        sessions,
        onBlocks: (bytesRead, entries) => options.onProgress?.({ file, fileIndex, files: files.length, bytesRead, fileBytes: sizes[logIndex] ?? 0, entries })
      }))
    }
  } finally {
    await pool.close()
  }
  const cross = crossCheck(transcripts, scans)
  const findings = [
    ...scans.flatMap((s) => s.findings),
    ...transcripts.flatMap((t) => t.findings),
    ...findForks(scans),
    ...cross.findings
  ].sort((a, b) => compareFindings(a, b, files))
  const fileOk = (file: string): boolean => !findings.some((f) => f.file === file || f.files?.includes(file) === true)
  const reports = new Map<string, FileReport>()
  for (const s of scans) {
    reports.set(s.file, {
      type: 'log',
      file: s.file,
      author: s.author ?? null,
      head: s.head ?? null,
      entries: s.entries,
      recordsChecked: s.recordsChecked,
      recordsUnchecked: s.recordsUnchecked,
      ok: fileOk(s.file)
    })
  }
  for (const t of transcripts) {
    reports.set(t.file, {
      type: 'transcript',
      file: t.file,
      session: t.manifest?.session ?? null,
      parties: t.state === undefined ? null : { initiator: { ...t.state.parties.initiator }, responder: { ...t.state.parties.responder } },
      messages: t.messages.length,
      phase: t.state?.phase ?? null,
      commitment: t.commitment ?? null,
      crossChecked: cross.against.get(t.file) ?? [],
      ok: fileOk(t.file)
    })
  }
  return {
    ok: findings.length === 0,
    files: files.map((f) => reports.get(f) as FileReport),
    findings,
    first: findings[0] ?? null,
    threads: pool.threads
  }
}

/** Two exports by one author that disagree on the entry at some seq (heads included) are a fork. */
function findForks (scans: ExportScan[]): Finding[] {
  const findings: Finding[] = []
  const claims = (s: ExportScan): Map<number, string> => {
    const all = new Map([...s.chain].map(([seq, claim]) => [seq, claim.key]))
    if (s.head !== undefined && s.headKey !== undefined && !all.has(s.head.seq)) all.set(s.head.seq, s.headKey)
    return all
  }
  const show = (key: string | undefined): string => (key === undefined ? '?' : cidOfKey(key))
  for (let i = 0; i < scans.length; i++) {
    for (let j = i + 1; j < scans.length; j++) {
      const a = scans[i] as ExportScan
      const b = scans[j] as ExportScan
      if (a.author === undefined || a.author !== b.author) continue
      const ca = claims(a)
      const cb = claims(b)
      const [small, large] = ca.size <= cb.size ? [ca, cb] : [cb, ca]
      let first: number | undefined
      for (const [seq, cid] of small) {
        const other = large.get(seq)
        if (other !== undefined && other !== cid && (first === undefined || seq < first)) first = seq
      }
      if (first !== undefined) {
        findings.push({
          code: 'LOG_FORK',
          message: `${a.author} signed two different entries at seq ${first}: ${show(ca.get(first))} in ${a.file}, ${show(cb.get(first))} in ${b.file}`,
          file: a.file,
          files: [a.file, b.file],
          seq: first
        })
      }
    }
  }
  return findings
}
