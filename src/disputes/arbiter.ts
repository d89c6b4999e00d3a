// The arbiter's duty, on a node configured as one: for each dispute of a commitment that names this
// org among its arbiters, once the response window has passed, gather the evidence (the records
// held here and those both parties present), verify every record, apply the rules, and sign and
// gossip a vote. A party that does not answer simply presents nothing. The votes are assembled
// into a verdict by whoever holds a quorum (commitments/consequences.ts).
import { peerIdFromString } from '@libp2p/peer-id'
import { logger } from '@libp2p/logger'
import type { Clock } from '../clock.js'
import type { Consequences } from '../commitments/consequences.js'
import type { NodeConfig } from '../config.js'
import type { Peer } from '../net/libp2p.js'
import type { Signer } from '../records/ed25519.js'
import { decodeRecord, signRecord, type SignedRecord } from '../records/record.js'
import { receiptKind, type Receipt } from '../commitments/receipt-kind.js'
import type { Dispute } from './dispute-kind.js'
import type { Approvals } from '../policy/approvals.js'
import { parseCid } from '../records/codec.js'
import { requestEvidence } from './evidence-protocol.js'
import { rule, type Ruling } from './rules.js'
import { voteKind, type Vote } from './vote-kind.js'

const log = logger('asp:arbiter')

/** The approvals subject kind of votes held for a human (arbiter.humanApproval). */
export const VOTE_SUBJECT = 'vote'

/** What an approval of a vote carries: the ruling to sign if a human approves it. */
interface HeldVote { dispute: string, outcome: Ruling['outcome'], rule: Ruling['rule'], evidence: string[] }

export class Arbiter {
  /** Disputes decided (voted, or withheld by a human) or being decided, so each is decided once per run. */
  private readonly decided = new Set<string>()

  constructor (
    private readonly consequences: Consequences,
    private readonly peer: Peer,
    private readonly signer: Signer,
    private readonly org: string,
    private readonly config: NodeConfig,
    private readonly clock: Clock,
    private readonly approvals?: Approvals
  ) {
    approvals?.handle(VOTE_SUBJECT, {
      decided: async (view, payload) => {
        if (view.status === 'approved') await this.cast(payload as HeldVote)
      },
      settled: (view, payload) => view.status !== 'approved' || this.consequences.book.votes.get((payload as HeldVote).dispute)?.has(this.org) === true
    })
  }

  /** Disputes naming this org as arbiter, past their response window, with no vote of ours yet. */
  due (): Array<SignedRecord<Dispute>> {
    const { book } = this.consequences
    const me = this.org
    const now = this.clock.now()
    return [...book.disputes.values()].filter((d) => {
      const key = d.cid.toString()
      if (this.decided.has(key) || book.votes.get(key)?.has(me) === true) return false
      if (this.approvals !== undefined && this.approvals.forSubject(VOTE_SUBJECT, key).length > 0) return false
      if (now < d.value.openedAt + this.config.disputes.responseWindowMs) return false
      return book.attestations.get(d.value.commitment.toString())?.value.agreement.arbiters.includes(me) === true
    })
  }

  async check (signal?: AbortSignal): Promise<number> {
    let voted = 0
    for (const dispute of this.due()) {
      this.decided.add(dispute.cid.toString())
      try {
        if (await this.decide(dispute, signal)) voted++
      } catch (err) {
        this.decided.delete(dispute.cid.toString())
        throw err
      }
    }
    return voted
  }

  private async decide (dispute: SignedRecord<Dispute>, signal?: AbortSignal): Promise<boolean> {
    const { book } = this.consequences
    const attestation = book.attestations.get(dispute.value.commitment.toString())
    if (attestation === undefined) return false
    const receipts = await this.gatherReceipts(dispute, signal)
    const ruling = rule({ attestation, dispute, receipts })
    const held: HeldVote = { dispute: dispute.cid.toString(), outcome: ruling.outcome, rule: ruling.rule, evidence: ruling.evidence.map((c) => c.toString()) }
    if (!this.config.arbiter.humanApproval) return this.cast(held)
    if (this.approvals === undefined) {
      log('vote on %s withheld: human approval is required and this node has no approvals', dispute.cid)
      return false
    }
    // The vote waits for this org's human; the approval's handler signs it once approved.
    await this.approvals.request({
      subject: { kind: VOTE_SUBJECT, id: held.dispute },
      summary: `vote ${ruling.outcome} (rule ${ruling.rule}) on the dispute of ${dispute.value.claimant} against ${dispute.value.respondent}`,
      facts: { dispute: held.dispute, claim: dispute.value.claim, obligation: dispute.value.obligation, outcome: ruling.outcome, rule: ruling.rule },
      quorum: 1,
      payload: held
    })
    return false
  }

  /** Signs and gossips a vote on a dispute this node holds. */
  private async cast (held: HeldVote): Promise<boolean> {
    const dispute = this.consequences.book.disputes.get(held.dispute)
    if (dispute === undefined) return false
    const vote: SignedRecord<Vote> = signRecord(voteKind, {
      v: 1,
      dispute: dispute.cid,
      commitment: dispute.value.commitment,
      obligation: dispute.value.obligation,
      outcome: held.outcome,
      rule: held.rule,
      evidence: held.evidence.map(parseCid),
      arbiter: this.org,
      at: this.clock.now()
    }, this.signer)
    log('vote on %s: %s (%s)', dispute.cid, held.outcome, held.rule)
    return this.consequences.publish('vote', vote)
  }

  /** Receipts held here, plus those each party presents that verify; a new one is also published. */
  private async gatherReceipts (dispute: SignedRecord<Dispute>, signal?: AbortSignal): Promise<Array<SignedRecord<Receipt>>> {
    const d = dispute.value
    const key = `${d.commitment.toString()}/${d.obligation}`
    const out = new Map<string, SignedRecord<Receipt>>()
    const held = this.consequences.book.receipts.get(key)
    if (held !== undefined) out.set(held.cid.toString(), held)
    const answers = await Promise.allSettled([d.claimant, d.respondent].map(async (party) => requestEvidence(this.peer, peerIdFromString(party), dispute.cid, this.config, signal)))
    for (const [i, answer] of answers.entries()) {
      if (answer.status === 'rejected') {
        log('no evidence from %s: %s', i === 0 ? d.claimant : d.respondent, (answer.reason as Error).message)
        continue
      }
      for (const presented of answer.value) {
        if (presented.kind !== receiptKind.name) continue
        let receipt: SignedRecord<Receipt>
        try {
          receipt = decodeRecord(receiptKind, presented.bytes)
        } catch (err) {
          log('a presented receipt does not verify: %s', (err as Error).message)
          continue
        }
        if (!receipt.value.commitment.equals(d.commitment)) continue
        out.set(receipt.cid.toString(), receipt)
        // A valid receipt the network has not seen yet becomes public now.
        if (this.consequences.book.judge('receipt', receipt).verdict === 'accept') await this.consequences.publish('receipt', receipt)
      }
    }
    return [...out.values()]
  }
}
