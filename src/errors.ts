// One error class per family, each with a stable `code` that callers branch on (never the message).
// The API maps codes to problem+json, the network maps them to gossip ignore/reject, the CLI to exit codes.

export type RecordErrorCode =
  | 'RECORD_TOO_LARGE'
  | 'RECORD_DECODE_FAILED'
  | 'RECORD_NOT_CANONICAL'
  | 'RECORD_SCHEMA_INVALID'
  | 'RECORD_SIGNATURE_INVALID'
  | 'RECORD_UNKNOWN_KIND'
  | 'ORG_ID_INVALID'
  | 'RECORD_NOT_A_FORK'
  | 'RECORD_INVALID'

export type LogErrorCode =
  | 'LOG_CLOSED'
  | 'LOG_BODY_INVALID'
  | 'LOG_UNKNOWN_ENTRY_KIND'
  | 'LOG_WRITE_FAILED'
  | 'LOG_CORRUPT'
  | 'LOG_AUTHOR_MISMATCH'
  | 'LOG_NOT_EMPTY'
  | 'LOG_QUEUE_FULL'

export type DataDirErrorCode =
  | 'DATADIR_MISSING'
  | 'DATADIR_EXISTS'
  | 'DATADIR_KEY_INVALID'
  | 'DATADIR_LOCKED'

export class AspError<C extends string = string> extends Error {
  readonly code: C
  readonly details: Readonly<Record<string, unknown>>

  constructor (code: C, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.details = details
  }
}

export class RecordError extends AspError<RecordErrorCode> {
  override name = 'RecordError'
}

export class LogError extends AspError<LogErrorCode> {
  override name = 'LogError'
}

export class DataDirError extends AspError<DataDirErrorCode> {
  override name = 'DataDirError'
}

export function isAspError (err: unknown): err is AspError {
  return err instanceof AspError
}
