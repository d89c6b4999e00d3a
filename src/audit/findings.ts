// What `asp verify` can find wrong in an export. Codes are stable; protocols/log.md (log exports) and
// protocols/session.md, "Transcript export" (TRANSCRIPT_…) list each one with the check that produces
// it, in the order a verifier runs the checks.
export const FINDING_CODES = [
  'EXPORT_UNREADABLE',
  'EXPORT_ROOT_INVALID',
  'EXPORT_BLOCK_CID_INVALID',
  'EXPORT_BLOCK_HASH_MISMATCH',
  'RECORD_TOO_LARGE',
  'RECORD_DECODE_FAILED',
  'RECORD_NOT_CANONICAL',
  'RECORD_SCHEMA_INVALID',
  'RECORD_SIGNATURE_INVALID',
  'RECORD_NOT_A_FORK',
  'RECORD_INVALID',
  'ORG_ID_INVALID',
  'LOG_AUTHOR_MISMATCH',
  'LOG_SEQ_GAP',
  'LOG_SEQ_ORDER',
  'LOG_PREV_MISMATCH',
  'LOG_TS_ORDER',
  'LOG_TS_FUTURE',
  'LOG_BODY_INVALID',
  'LOG_REF_MISSING',
  'LOG_ENTRY_AFTER_HEAD',
  'LOG_TRUNCATED',
  'LOG_HEAD_MISMATCH',
  'LOG_FORK',
  'TRANSCRIPT_MANIFEST_INVALID',
  'TRANSCRIPT_SESSION_MISMATCH',
  'TRANSCRIPT_SEQ_MISMATCH',
  'TRANSCRIPT_PREV_MISMATCH',
  'TRANSCRIPT_TS_ORDER',
  'TRANSCRIPT_TS_FUTURE',
  'TRANSCRIPT_STEP_REFUSED',
  'TRANSCRIPT_LAST_MISMATCH',
  'TRANSCRIPT_COMMITMENT_MISSING',
  'TRANSCRIPT_BLOCK_UNEXPECTED',
  'TRANSCRIPT_COMMITMENT_UNEXPECTED',
  'TRANSCRIPT_COMMITMENT_MISMATCH',
  'TRANSCRIPT_TRUNCATED',
  'TRANSCRIPT_NOT_IN_LOG',
  'TRANSCRIPT_LOG_DIFFERS',
  'TRANSCRIPT_INCOMPLETE'
] as const

export type FindingCode = typeof FINDING_CODES[number]

export interface Finding {
  code: FindingCode
  message: string
  file: string
  /** Index of the block in the file (0 = the root head); undefined for findings about the whole file. */
  position?: number
  /** The seq of the entry concerned, where there is one. */
  seq?: number
  /** Other files involved (forks; a transcript checked against a log export). */
  files?: string[]
  /** For TRANSCRIPT_STEP_REFUSED: the state machine's own refusal code (protocols/session.md 7.6). */
  sessionCode?: string
}

/** Earlier position first; at one position, the check that runs first (the order of FINDING_CODES). */
export function compareFindings (a: Finding, b: Finding, fileOrder: string[]): number {
  return (fileOrder.indexOf(a.file) - fileOrder.indexOf(b.file)) ||
    ((a.position ?? Number.MAX_SAFE_INTEGER) - (b.position ?? Number.MAX_SAFE_INTEGER)) ||
    (FINDING_CODES.indexOf(a.code) - FINDING_CODES.indexOf(b.code))
}

export function isFindingCode (code: unknown): code is FindingCode {
  return typeof code === 'string' && (FINDING_CODES as readonly string[]).includes(code)
}
