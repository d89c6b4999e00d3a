// Directional reputation, computed locally from verified evidence (protocols/reputation.md).
export { computeScores } from './compute.js'
export { ReputationError, type ReputationErrorCode } from './errors.js'
export { checkEvidence, valueWeight, type BreachEvidence, type DealEvidence, type DismissedEvidence, type Evidence, type EvidenceKind, type ForkEvidence, type HonoredEvidence, type IngestResult, type Obligation, type OpenDisputeEvidence, type OrgId } from './evidence.js'
export { DEFAULT_PARAMS, PARAM_DOCS, resolveParams, type ReputationParams } from './params.js'
export type { ScoreBreakdown, Standing, SubjectScore } from './score.js'
export { EvidenceStore, type StoreParams } from './store.js'
export { ReputationView, type RefreshStats, type ViewInit } from './view.js'
