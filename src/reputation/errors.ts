// Errors of the reputation module. Evidence reaches it already verified, so an invalid item is a bug
// in the code that maps records onto evidence, never a peer's fault: it is refused with a code.
import { AspError } from '../errors.js'

export type ReputationErrorCode =
  | 'REPUTATION_PARAMS_INVALID'
  | 'REPUTATION_EVIDENCE_INVALID'
  | 'REPUTATION_EVIDENCE_CONFLICT'
  | 'REPUTATION_STORE_MISMATCH'

export class ReputationError extends AspError<ReputationErrorCode> {
  override name = 'ReputationError'
}
