// The registry of record kinds. A later kind is one file beside these and one line here.
import { RecordError } from '../../errors.js'
import type { RecordKind } from '../kind.js'
import { agentCardKind } from './agent-card.js'
import { entryKind, entrySchema } from './entry.js'
import { forkProofKind } from './fork-proof.js'
import { headKind } from './head.js'
import { sessionMessageKind } from '../../session/message-kind.js'
import { commitmentKind } from '../../session/commitment-kind.js'
import { attestationKind } from '../../commitments/attestation-kind.js'
import { receiptKind } from '../../commitments/receipt-kind.js'
import { disputeKind } from '../../disputes/dispute-kind.js'
import { voteKind } from '../../disputes/vote-kind.js'
import { verdictKind } from '../../disputes/verdict-kind.js'
import { approvalKind, decisionKind, policyChangeKind } from '../../policy/records.js'

export const recordKinds: ReadonlyMap<string, RecordKind<unknown>> = new Map<string, RecordKind<unknown>>(
  ([entryKind, headKind, forkProofKind, agentCardKind, sessionMessageKind, commitmentKind, attestationKind, receiptKind, disputeKind, voteKind, verdictKind, policyChangeKind, approvalKind, decisionKind] as Array<RecordKind<never>>).map((k) => [k.name, k as RecordKind<unknown>])
)

export function recordKind (name: string): RecordKind<unknown> {
  const kind = recordKinds.get(name)
  if (kind === undefined) throw new RecordError('RECORD_UNKNOWN_KIND', `unknown record kind "${name}"`, { kind: name })
  return kind
}

export { agentCardKind, entryKind, entrySchema, forkProofKind, headKind }
export type { AgentCard } from './agent-card.js'
export type { Entry } from './entry.js'
export type { ForkProof } from './fork-proof.js'
export type { Head } from './head.js'
