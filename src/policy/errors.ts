// The errors of guardrails (policies) and approvals. Rule codes name the rule that refused a message;
// the same code travels to the other party when it refuses an incoming session (protocols/policy.md §4).
import { AspError } from '../errors.js'

/** The rules of a policy, each its own code: callers and the other party branch on it. */
export type PolicyRuleCode =
  | 'POLICY_COUNTERPARTY' //   the counterparty is on the deny list, or not on the allow list
  | 'POLICY_CAPABILITY' //     the session is not about an allowed capability
  | 'POLICY_CURRENCY' //       the policy sets limits, but none for this currency
  | 'POLICY_SPEND_LIMIT' //    the deal is worth more than the per-deal limit
  | 'POLICY_DAILY_LIMIT' //    with the deals of the last 24 hours, more than the per-day limit
  | 'POLICY_REPUTATION' //     the counterparty's score is below the minimum for the deal's value

export type PolicyErrorCode =
  | PolicyRuleCode
  | 'POLICY_APPROVAL_REQUIRED' //  the message is held: the session is escalated and an approval waits
  | 'POLICY_APPROVAL_PENDING' //   an approval of this session is still open: nothing else is sent
  | 'POLICY_APPROVAL_AT_OPEN' //   a first message that needs approval: open with REQUEST or QUERY first
  | 'POLICY_FILE_INVALID' //       policies.json does not parse or does not match the schema
  | 'POLICY_INVALID' //            a policy given through the API or CLI does not match the schema

export class PolicyError extends AspError<PolicyErrorCode> {
  override name = 'PolicyError'
}

export type ApprovalErrorCode =
  | 'APPROVAL_NOT_FOUND'
  | 'APPROVAL_CLOSED' //             decided already (approved or refused)
  | 'APPROVAL_DUPLICATE_APPROVER' // this approver has decided this approval already
  | 'APPROVAL_NOT_APPROVER' //       the approval names its approvers, and this is not one of them
  | 'APPROVAL_NO_HANDLER' //         no handler for the approval's subject kind

export class ApprovalError extends AspError<ApprovalErrorCode> {
  override name = 'ApprovalError'
}

const RULE_CODES: ReadonlySet<string> = new Set<PolicyRuleCode>(['POLICY_COUNTERPARTY', 'POLICY_CAPABILITY', 'POLICY_CURRENCY', 'POLICY_SPEND_LIMIT', 'POLICY_DAILY_LIMIT', 'POLICY_REPUTATION'])

export function isPolicyRuleCode (code: string): code is PolicyRuleCode {
  return RULE_CODES.has(code)
}
