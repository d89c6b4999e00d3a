// `asp verify`: checks exported logs offline, alone and against each other (forks).
import { stat } from 'node:fs/promises'
import { inlinePool, workerPool, type CheckPool } from './check-pool.js'
import { compareFindings, type Finding } from './findings.js'
import { cidOfKey, scanExport, type ExportScan } from './scan-export.js'

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

export interface FileReport {
  file: string
  author: string | null
  head: { seq: number, cid: string | null, ts: number } | null
  entries: number
  recordsChecked: number
  recordsUnchecked: number
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
  const sizes = await Promise.all(files.map(async (f) => (await stat(f).catch(() => ({ size: 0 }))).size))
  const total = sizes.reduce((a, b) => a + b, 0)
  const threads = options.threads ?? (total > WORKER_THRESHOLD_BYTES ? undefined : 0)
  const pool: CheckPool = threads === 0 ? inlinePool() : workerPool(threads)
  const scans: ExportScan[] = []
  try {
    for (const [fileIndex, file] of files.entries()) {
      scans.push(await scanExport(file, {
        now: options.now ?? Date.now(),
        maxSkewMs: options.maxSkewMs ?? 300_000,
        pool,
        onBlocks: (bytesRead, entries) => options.onProgress?.({ file, fileIndex, files: files.length, bytesRead, fileBytes: sizes[fileIndex] ?? 0, entries })
      }))
    }
  } finally {
    await pool.close()
  }
  const findings = [...scans.flatMap((s) => s.findings), ...findForks(scans)].sort((a, b) => compareFindings(a, b, files))
  return {
    ok: findings.length === 0,
    files: scans.map((s) => ({
      file: s.file,
      author: s.author ?? null,
      head: s.head ?? null,
      entries: s.entries,
      recordsChecked: s.recordsChecked,
      recordsUnchecked: s.recordsUnchecked,
      ok: !findings.some((f) => f.file === s.file || f.files?.includes(s.file) === true)
    })),
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
