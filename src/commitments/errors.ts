import { AspError } from '../errors.js'

export type ConsequenceErrorCode =
  | 'CONSEQUENCE_UNKNOWN_COMMITMENT'
  | 'CONSEQUENCE_UNKNOWN_OBLIGATION'
  | 'CONSEQUENCE_UNKNOWN_DISPUTE'
  | 'CONSEQUENCE_NOT_BENEFICIARY'
  | 'CONSEQUENCE_NOT_ARBITER'
  | 'CONSEQUENCE_INPUT_INVALID'
  | 'CONSEQUENCE_REFUSED'

export class ConsequenceError extends AspError<ConsequenceErrorCode> {
  override name = 'ConsequenceError'
}
