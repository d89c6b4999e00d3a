// Guardrails: the operator's policies per agent, enforced in the session layer, and approvals by
// the org's people (protocols/policy.md).
export { Approvals, type ApprovalHandler, type ApprovalRequest, type ApprovalStatus, type ApprovalView } from './approvals.js'
export { EMPTY_DOCUMENT, policyDocumentSchema, policyFor, policySchema, type Policy, type PolicyDocument } from './document.js'
export { ApprovalError, PolicyError, isPolicyRuleCode, type ApprovalErrorCode, type PolicyErrorCode, type PolicyRuleCode } from './errors.js'
export { checkIncoming, checkOutgoing, requiredScore, type ApprovalReason, type MessageFacts, type Money, type Verdict } from './evaluate.js'
export { Guardrails, type GuardrailsInit } from './guardrails.js'
export { approvalKind, decisionKind, policyChangeKind } from './records.js'
export { scoresFrom, type ScoreSource } from './reputation.js'
export { POLICY_FILE, PolicyStore } from './store.js'
