// A transcript against the log exports of its parties given in the same run: each party records every
// message of its sessions in its log (protocols/session.md 8.4), so each message of the transcript
// must be in each party's log, the same message, and the log must hold no later message of the
// session that the transcript leaves out.
import type { Finding } from './findings.js'
import type { ExportScan, LoggedMessage } from './scan-export.js'
import type { TranscriptScan } from './scan-transcript.js'

export interface CrossCheck {
  findings: Finding[]
  /** Transcript file → the log files it was checked against. */
  against: Map<string, string[]>
}

/** Only log exports that are valid on their own are compared: a broken one is reported by itself. */
export function crossCheck (transcripts: TranscriptScan[], logs: ExportScan[]): CrossCheck {
  const findings: Finding[] = []
  const against = new Map<string, string[]>()
  for (const t of transcripts) {
    const state = t.state
    const session = t.manifest?.session
    if (state === undefined || session === undefined) continue
    const parties = [state.parties.initiator.org, state.parties.responder.org]
    const mine = logs.filter((l) => l.author !== undefined && parties.includes(l.author) && l.findings.length === 0)
    against.set(t.file, mine.map((l) => l.file))
    for (const log of mine) {
      const held = log.sessionMessages.get(session) ?? new Map<number, LoggedMessage[]>()
      const at = (position: number, seq: number): Pick<Finding, 'file' | 'files' | 'position' | 'seq'> => ({ file: t.file, files: [t.file, log.file], position, seq })
      for (const m of t.messages) {
        const there = held.get(m.seq)
        if (there === undefined) {
          findings.push({ code: 'TRANSCRIPT_NOT_IN_LOG', message: `message ${m.seq} of session ${session} is not in the log of ${log.author ?? '?'} (${log.file})`, ...at(m.position, m.seq) })
        } else if (there.length !== 1 || there[0]?.key !== m.key) {
          findings.push({ code: 'TRANSCRIPT_LOG_DIFFERS', message: `the log of ${log.author ?? '?'} (${log.file}) holds ${there.length === 1 ? 'another message' : `${there.length} messages`} at seq ${m.seq} of session ${session}`, ...at(m.position, m.seq) })
        }
      }
      const last = t.messages.length
      const later = [...held.keys()].filter((seq) => seq > last)
      if (t.findings.length === 0 && later.length > 0) {
        findings.push({ code: 'TRANSCRIPT_INCOMPLETE', message: `the log of ${log.author ?? '?'} (${log.file}) holds messages of session ${session} up to seq ${Math.max(...later)}; the transcript ends at seq ${last}`, ...at(last + 1, last + 1) })
      }
    }
  }
  return { findings, against }
}
