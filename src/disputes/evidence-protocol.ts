// /asp/dispute/1.0.0: an arbiter asks a party of a disputed commitment for the records it holds
// about it. Only an arbiter the commitment names is answered, since the answer carries the private
// terms and the transcript. The arbiter verifies every record it receives; nothing is taken on trust.
import type { PeerId } from '@libp2p/interface'
import { z } from 'zod'
import type { Consequences } from '../commitments/consequences.js'
import { ConsequenceError } from '../commitments/errors.js'
import type { NodeConfig } from '../config.js'
import type { Peer } from '../net/libp2p.js'
import { NetError, request, serve } from '../net/rpc.js'
import type { CID } from '../records/codec.js'
import { bytes, link } from '../records/schema-types.js'
import type { SessionManager } from '../session/manager.js'

export const DISPUTE_PROTOCOL = '/asp/dispute/1.0.0'

const evidenceRequest = z.strictObject({ network: z.string(), dispute: link })
const evidenceResponse = z.strictObject({ records: z.array(z.strictObject({ kind: z.string().max(32), bytes: bytes({ max: 1 << 20 }) })).max(4096) })

export type PresentedRecord = z.infer<typeof evidenceResponse>['records'][number]

/** Room kept for the frame's own encoding when filling a response up to the frame limit. */
const FRAME_MARGIN = 1024

export async function serveEvidence (peer: Peer, consequences: Consequences, sessions: SessionManager, config: NodeConfig): Promise<void> {
  await serve(peer, DISPUTE_PROTOCOL, async (body, remote) => {
    const parsed = evidenceRequest.safeParse(body)
    if (!parsed.success) throw new NetError('NET_REQUEST_INVALID', 'an evidence request is {network, dispute}')
    if (parsed.data.network !== config.network) throw new NetError('NET_WRONG_NETWORK', `this node is on ${config.network}`)
    return { records: evidenceFor(parsed.data.dispute, remote, consequences, sessions, config.net.maxFrameBytes - FRAME_MARGIN) }
  }, config.net)
}

function evidenceFor (disputeCid: CID, remote: PeerId, consequences: Consequences, sessions: SessionManager, budget: number): PresentedRecord[] {
  const { book } = consequences
  const dispute = book.disputes.get(disputeCid.toString())
  if (dispute === undefined) throw new ConsequenceError('CONSEQUENCE_UNKNOWN_DISPUTE', `no dispute ${disputeCid.toString()} here`)
  const commitment = dispute.value.commitment.toString()
  const attestation = book.attestations.get(commitment)
  if (attestation?.value.agreement.arbiters.includes(remote.toString()) !== true) throw new ConsequenceError('CONSEQUENCE_NOT_ARBITER', 'only an arbiter of the commitment may ask for its evidence')
  const out: PresentedRecord[] = []
  let size = 0
  const add = (kind: string, record: { bytes: Uint8Array }): void => {
    if (size + record.bytes.length + 64 > budget) return
    size += record.bytes.length + 64
    out.push({ kind, bytes: record.bytes })
  }
  for (const [key, receipt] of book.receipts) if (key.startsWith(`${commitment}/`)) add('receipt', receipt)
  const own = book.commitments.get(commitment)
  if (own !== undefined) {
    add('commitment', own)
    for (const message of sessions.transcript(own.value.deal.session)) add('session-message', message)
  }
  return out
}

export async function requestEvidence (peer: Peer, party: PeerId, dispute: CID, config: NodeConfig, signal?: AbortSignal): Promise<PresentedRecord[]> {
  const answer = evidenceResponse.safeParse(await request(peer, party, DISPUTE_PROTOCOL, { network: config.network, dispute }, config.net, { signal }))
  if (!answer.success) throw new NetError('NET_FRAME_INVALID', `${party.toString()} sent a malformed evidence answer`)
  return answer.data.records
}
