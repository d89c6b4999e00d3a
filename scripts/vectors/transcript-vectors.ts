// protocols/vectors/transcript/: session transcript exports, valid and tampered, and the parties' log
// exports for the cross-check, each vector with the finding `asp verify` must report (manifest.json).
// Deterministic: fixed keys, fixed timestamps and clock, Ed25519's deterministic signatures.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ManualClock } from '../../src/clock.js'
import { exportLog } from '../../src/log/export.js'
import { Log } from '../../src/log/log.js'
import { cidOf, encode, type CID } from '../../src/records/codec.js'
import { domainSeparated, encodeRecord, type SignedRecord } from '../../src/records/record.js'
import { commitmentKind, commitmentOf, type Commitment } from '../../src/session/commitment-kind.js'
import { agreementFor, type DealTerms } from '../../src/session/agreement.js'
import { COMMITMENT_DOMAIN } from '../../src/session/machine.js'
import type { SessionMessage } from '../../src/session/message-kind.js'
import type { Terms } from '../../src/session/terms.js'
import { transcriptCarBytes, transcriptLayout, type Block, type TranscriptLayout, type TranscriptManifest } from '../../src/session/transcript-export.js'
import { tempDir } from '../../test/helpers/tmp.js'
import { ALICE, BOB, MALLORY, vectorKey } from './keys.js'
import { Negotiation } from './negotiation.js'

export const T0 = 1_767_225_600_000 // 2026-01-01T00:00:00Z
const STEP = 60_000
/** The verification time of every vector: one hour after T0, well after every message and head. */
export const TRANSCRIPT_VERIFY_NOW = T0 + 3_600_000
export const TRANSCRIPT_MAX_SKEW_MS = 300_000
export const SESSION = 'aaaaaaaaaaaaaaaaaaaaaaaaaa'
const OTHER_SESSION = 'baaaaaaaaaaaaaaaaaaaaaaaaa'

export interface TranscriptVector {
  name: string
  files: string[]
  description: string
  expect: { ok: true } | { ok: false, code: string, seq?: number, position?: number, sessionCode?: string }
}

const alice = vectorKey(ALICE)
const bob = vectorKey(BOB)
const mallory = vectorKey(MALLORY)
const signers = { initiator: alice, responder: bob }

export const dealTerms: Terms = {
  item: 'gpu-hours',
  quantity: 500,
  unit: 'hour',
  unitPrice: { amount: 4000, currency: 'EUR' },
  total: { amount: 2_000_000, currency: 'EUR' },
  deliveryBy: T0 + 7 * 86_400_000,
  paymentBy: T0 + 14 * 86_400_000,
  obligations: [
    { id: 'deliver', obligor: 'responder', what: 'make 500 GPU hours available', dueBy: T0 + 7 * 86_400_000 },
    { id: 'pay', obligor: 'initiator', what: 'pay 20,000.00 EUR', dueBy: T0 + 14 * 86_400_000 }
  ],
  arbiters: [],
  quorum: 0
}

/** The whole deal of the vectors: alice buys from bob, both commit, both confirm, bob closes. */
export function deal (): { n: Negotiation, commitment: SignedRecord<Commitment> } {
  const n = new Negotiation(signers, SESSION, T0, STEP)
  n.send('initiator', 'REQUEST', { capability: 'sell:gpu-hours', description: '500 GPU hours by Friday' })
  const offer = n.send('responder', 'PROPOSE', { terms: dealTerms }, { expiresAt: T0 + 86_400_000 })
  n.send('initiator', 'ACCEPT', { offer: offer.cid })
  n.send('initiator', 'COMMIT', n.commitBody('initiator'))
  n.send('responder', 'COMMIT', n.commitBody('responder'))
  const commitment = n.commitment()
  n.send('initiator', 'CONFIRM', { obligation: 'deliver' })
  n.send('responder', 'CONFIRM', { obligation: 'pay' })
  n.send('responder', 'CLOSE', {})
  return { n, commitment }
}

/** A party's log holding the deal's messages (and the commitment after the second COMMIT), exported. */
async function partyLog (signer: typeof alice, messages: Array<SignedRecord<SessionMessage>>, commitment: Block): Promise<Uint8Array> {
  const dir = await tempDir('asp-vectors-')
  const clock = new ManualClock(T0)
  const log = await Log.open(join(dir.path, 'log'), signer, { clock })
  try {
    await log.append('genesis', { network: 'devnet', software: 'asp-node/vectors' })
    for (const m of messages) {
      clock.advance(STEP)
      await log.append('record', { kind: 'session-message', record: m.cid }, [m])
      if (m.value.type === 'COMMIT' && m.value.seq === 5) await log.append('record', { kind: 'commitment', record: commitment.cid }, [commitment])
    }
    clock.advance(STEP)
    await exportLog(log, join(dir.path, 'out.car'))
    return await readFile(join(dir.path, 'out.car'))
  } finally {
    await log.close()
    await dir.remove()
  }
}

/** A layout with its manifest rewritten (and so its root). */
function withManifest (layout: TranscriptLayout, change: (m: TranscriptManifest) => TranscriptManifest): TranscriptLayout {
  const manifest = change(layout.manifest)
  const bytes = encode(manifest)
  return { manifest, blocks: [{ cid: cidOf(bytes), bytes }, ...layout.blocks.slice(1)] }
}

/** A layout with its blocks after the manifest edited; the manifest is kept as it was. */
function withBlocks (layout: TranscriptLayout, edit: (blocks: Block[]) => Block[]): TranscriptLayout {
  return { manifest: layout.manifest, blocks: [layout.blocks[0] as Block, ...edit(layout.blocks.slice(1))] }
}

export async function makeTranscriptVectors (): Promise<{ files: Map<string, Uint8Array>, vectors: TranscriptVector[] }> {
  const files = new Map<string, Uint8Array>()
  const vectors: TranscriptVector[] = []
  const add = async (name: string, layout: TranscriptLayout | Uint8Array | undefined, description: string, expect: TranscriptVector['expect'], extraFiles: string[] = []): Promise<void> => {
    if (layout !== undefined) files.set(`${name}.car`, layout instanceof Uint8Array ? layout : await transcriptCarBytes(layout))
    vectors.push({ name, files: layout !== undefined ? [`${name}.car`, ...extraFiles] : extraFiles, description, expect })
  }

  const { n, commitment } = deal()
  const m = n.messages
  const valid = transcriptLayout(m, commitment)
  await add('deal', valid, 'A whole deal between alice (initiator) and bob: REQUEST, PROPOSE, ACCEPT, COMMIT, COMMIT, CONFIRM, CONFIRM, CLOSE, then the commitment.', { ok: true })

  const rejected = new Negotiation(signers, OTHER_SESSION, T0, STEP)
  rejected.send('initiator', 'REQUEST', { capability: 'sell:gpu-hours', description: '500 GPU hours by Friday' })
  rejected.send('responder', 'PROPOSE', { terms: dealTerms })
  rejected.send('initiator', 'REJECT', { reason: 'too expensive' })
  rejected.send('responder', 'CLOSE', {})
  await add('rejected', transcriptLayout(rejected.messages), 'A session that ends without a deal: REQUEST, PROPOSE, REJECT, CLOSE; no commitment.', { ok: true })

  const flipped = Uint8Array.from(m[1]!.bytes)
  const flipAt = Buffer.from(flipped).indexOf('gpu-hours') // a byte of the offer's item
  flipped[flipAt] = (flipped[flipAt] as number) ^ 0x01
  await add('byte-flipped', withBlocks(valid, (b) => { b[1] = { cid: b[1]!.cid, bytes: flipped }; return b }),
    'One byte of message 2 (the PROPOSE) flipped; the block keeps its CID.', { ok: false, code: 'EXPORT_BLOCK_HASH_MISMATCH', seq: 2, position: 2 })

  const forged = new Negotiation(signers, SESSION, T0, STEP)
  for (const [i, msg] of m.entries()) {
    if (i === 2) forged.force('initiator', 'ACCEPT', { offer: m[1]!.cid }, { signer: mallory })
    else forged.messages.push(msg)
  }
  await add('bad-signature', withBlocks(valid, (b) => { b[2] = forged.messages[2]!; return b }),
    'Message 3 (alice\'s ACCEPT) carries a signature by mallory\'s key.', { ok: false, code: 'RECORD_SIGNATURE_INVALID', seq: 3, position: 3 })

  await add('deleted-message', withBlocks(valid, (b) => b.filter((_, i) => i !== 2)),
    'Message 3 removed; the manifest still names 8 messages.', { ok: false, code: 'TRANSCRIPT_SEQ_MISMATCH', seq: 3, position: 3 })

  const spliced = new Negotiation(signers, OTHER_SESSION, T0, STEP)
  spliced.messages.push(m[0]!, m[1]!)
  spliced.force('initiator', 'ACCEPT', { offer: m[1]!.cid })
  await add('other-session', withBlocks(valid, (b) => { b[2] = spliced.messages[2]!; return b }),
    'Message 3 is a validly signed ACCEPT that names another session id.', { ok: false, code: 'TRANSCRIPT_SESSION_MISMATCH', seq: 3, position: 3 })

  const relinked = new Negotiation(signers, SESSION, T0, STEP)
  relinked.messages.push(m[0]!, m[1]!, m[2]!)
  relinked.force('initiator', 'COMMIT', m[3]!.value.body as never, { prev: m[1]!.cid })
  await add('prev-mismatch', withBlocks(valid, (b) => { b[3] = relinked.messages[3]!; return b }),
    'Message 4 (validly signed) links to message 2 instead of message 3.', { ok: false, code: 'TRANSCRIPT_PREV_MISMATCH', seq: 4, position: 4 })

  const backdated = new Negotiation(signers, SESSION, T0, STEP)
  backdated.messages.push(m[0]!, m[1]!, m[2]!)
  backdated.force('initiator', 'COMMIT', m[3]!.value.body as never, { ts: T0 })
  await add('ts-backwards', withBlocks(valid, (b) => { b[3] = backdated.messages[3]!; return b }),
    'Message 4 (validly signed) is dated before message 3.', { ok: false, code: 'TRANSCRIPT_TS_ORDER', seq: 4, position: 4 })

  const late = new Negotiation(signers, SESSION, T0, STEP)
  late.messages.push(...m.slice(0, 7))
  late.force('responder', 'CLOSE', {}, { ts: TRANSCRIPT_VERIFY_NOW + TRANSCRIPT_MAX_SKEW_MS + 3_600_000 })
  await add('ts-future', transcriptLayout(late.messages, commitment),
    'Message 8 (validly signed, and named by the manifest) is dated an hour past the allowed skew.', { ok: false, code: 'TRANSCRIPT_TS_FUTURE', seq: 8, position: 8 })

  const own = new Negotiation(signers, SESSION, T0, STEP)
  own.send('initiator', 'REQUEST', { capability: 'sell:gpu-hours', description: '500 GPU hours by Friday' })
  const ownOffer = own.send('responder', 'PROPOSE', { terms: dealTerms })
  own.force('responder', 'ACCEPT', { offer: ownOffer.cid })
  await add('forbidden-step', transcriptLayout(own.messages),
    'Every message validly signed and chained, but bob accepts his own offer at seq 3: the state machine refuses it.',
    { ok: false, code: 'TRANSCRIPT_STEP_REFUSED', seq: 3, position: 3, sessionCode: 'SESSION_OWN_OFFER' })

  const overOther = new Negotiation(signers, SESSION, T0, STEP)
  overOther.messages.push(...m.slice(0, 4))
  const accepted = n.state!.agreement!
  const otherDeal: DealTerms = { ...accepted.deal, terms: { ...dealTerms, total: { amount: 1, currency: 'EUR' } } }
  const otherAgreement = agreementFor(otherDeal, accepted.value.parties, accepted.value.at)
  const overAgreement = (value: unknown): Uint8Array => domainSeparated(COMMITMENT_DOMAIN, encode(value))
  overOther.force('responder', 'COMMIT', { agreement: (m[4]!.value.body as { agreement: CID }).agreement, sig: bob.sign(overAgreement(otherAgreement)) })
  await add('commit-signature', transcriptLayout(overOther.messages),
    'Message 5, bob\'s COMMIT, names the agreement\'s CID but carries bob\'s signature over other terms.',
    { ok: false, code: 'TRANSCRIPT_STEP_REFUSED', seq: 5, position: 5, sessionCode: 'SESSION_COMMIT_SIGNATURE' })

  await add('truncated', withBlocks(valid, (b) => b.slice(0, 5)),
    'Messages 6 to 8 and the commitment removed; the manifest still names 8 messages.', { ok: false, code: 'TRANSCRIPT_TRUNCATED', seq: 6, position: 6 })

  await add('last-mismatch', withManifest(valid, (x) => ({ ...x, last: m[6]!.cid })),
    'The manifest names message 7\'s CID as message 8.', { ok: false, code: 'TRANSCRIPT_LAST_MISMATCH', seq: 8, position: 0 })

  await add('commitment-missing', transcriptLayout(m),
    'The whole deal without its commitment, and a manifest that names none.', { ok: false, code: 'TRANSCRIPT_COMMITMENT_MISSING', position: 9 })

  const otherCommitment = encodeRecord(commitmentKind, commitmentOf(otherAgreement, otherDeal, { initiator: alice.sign(overAgreement(otherAgreement)), responder: bob.sign(overAgreement(otherAgreement)) }))
  await add('commitment-mismatch', transcriptLayout(m, otherCommitment),
    'A commitment validly signed by both parties, over other terms than the ones their COMMITs name.', { ok: false, code: 'TRANSCRIPT_COMMITMENT_MISMATCH', position: 9 })

  await add('commitment-unexpected', transcriptLayout(rejected.messages, commitment),
    'The rejected session with the deal\'s commitment after it.', { ok: false, code: 'TRANSCRIPT_COMMITMENT_UNEXPECTED', position: 5 })

  const note = encode({ note: 'an extra block' })
  await add('extra-block', withBlocks(valid, (b) => [...b, { cid: cidOf(note), bytes: note }]),
    'A block after the commitment.', { ok: false, code: 'TRANSCRIPT_BLOCK_UNEXPECTED', position: 10 })

  await add('not-a-car', Uint8Array.from(Buffer.from('this is not a CAR file\n')), 'Not a CAR file at all (read as a log export).', { ok: false, code: 'EXPORT_UNREADABLE' })

  // The parties' logs, for the cross-check.
  files.set('alice-log.car', await partyLog(alice, m, commitment))
  files.set('bob-log.car', await partyLog(bob, m, commitment))
  const differs = new Negotiation(signers, SESSION, T0, STEP)
  differs.messages.push(...m.slice(0, 7))
  differs.force('responder', 'CLOSE', { reason: 'done' })
  files.set('bob-log-missing.car', await partyLog(bob, m.filter((_, i) => i !== 5), commitment))
  files.set('bob-log-differs.car', await partyLog(bob, differs.messages, commitment))
  await add('alice-log', undefined, 'alice\'s log export: genesis, the eight messages and the commitment; valid on its own.', { ok: true }, ['alice-log.car'])
  await add('bob-log-missing', undefined, 'bob\'s log without message 6; valid on its own.', { ok: true }, ['bob-log-missing.car'])
  await add('bob-log-differs', undefined, 'bob\'s log with another CLOSE at seq 8; valid on its own.', { ok: true }, ['bob-log-differs.car'])
  await add('with-logs', undefined, 'deal.car with both parties\' logs: every message is in both.', { ok: true }, ['deal.car', 'alice-log.car', 'bob-log.car'])
  await add('not-in-log', undefined, 'deal.car with alice\'s log and a log of bob\'s that lacks message 6.',
    { ok: false, code: 'TRANSCRIPT_NOT_IN_LOG', seq: 6, position: 6 }, ['deal.car', 'alice-log.car', 'bob-log-missing.car'])
  await add('log-differs', undefined, 'deal.car with alice\'s log and a log of bob\'s that holds another message 8.',
    { ok: false, code: 'TRANSCRIPT_LOG_DIFFERS', seq: 8, position: 8 }, ['deal.car', 'alice-log.car', 'bob-log-differs.car'])
  await add('first-five', transcriptLayout(m.slice(0, 5), commitment), 'The deal up to both COMMITs, with the commitment: valid on its own.', { ok: true })
  await add('incomplete', undefined, 'first-five.car with bob\'s log, which holds the session up to seq 8: the transcript leaves out its end.',
    { ok: false, code: 'TRANSCRIPT_INCOMPLETE', seq: 6, position: 6 }, ['first-five.car', 'bob-log.car'])

  return { files, vectors }
}
