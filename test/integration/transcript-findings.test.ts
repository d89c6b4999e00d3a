import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { verifyExports } from '../../src/audit/verify.js'
import { ManualClock } from '../../src/clock.js'
import { exportLog } from '../../src/log/export.js'
import { Log } from '../../src/log/log.js'
import type { SignedRecord } from '../../src/records/record.js'
import type { SessionMessage } from '../../src/session/message-kind.js'
import { exportTranscript, transcriptCarBytes, transcriptLayout, type TranscriptError } from '../../src/session/transcript-export.js'
import { Negotiation, type OrgSigner } from '../../scripts/vectors/negotiation.js'
import { testSigner } from '../helpers/keys.js'
import { SESSION_ID, signers, terms } from '../helpers/session-kit.js'
import { tempDir } from '../helpers/tmp.js'

const T0 = 1_700_000_000_000
const now = T0 + 3_600_000
const mallory = testSigner('mallory')

function opened (): { n: Negotiation, offer: SignedRecord<SessionMessage> } {
  const n = new Negotiation(signers, SESSION_ID, T0)
  n.send('initiator', 'REQUEST', { capability: 'sell:gpu-hours', description: 'gpus' })
  const offer = n.send('responder', 'PROPOSE', { terms: terms({ arbiters: [], quorum: 0 }) }, { expiresAt: T0 + 3000 })
  return { n, offer }
}

function accepted (): Negotiation {
  const { n, offer } = opened()
  n.send('initiator', 'ACCEPT', { offer: offer.cid })
  return n
}

function committed (): Negotiation {
  const n = accepted()
  n.send('initiator', 'COMMIT', n.commitBody('initiator'))
  n.send('responder', 'COMMIT', n.commitBody('responder'))
  return n
}

/** Transcripts whose every message is validly signed and chained, with one step the machine forbids (the last). */
const forbidden: Array<{ name: string, code: string, build: () => Negotiation }> = [
  { name: 'a session that starts with ACCEPT', code: 'SESSION_FIRST_MESSAGE', build: () => { const n = new Negotiation(signers, SESSION_ID, T0); n.force('initiator', 'ACCEPT', { offer: opened().offer.cid }); return n } },
  { name: 'a REQUEST at seq 2', code: 'SESSION_NOT_ALLOWED', build: () => { const { n } = opened(); n.force('initiator', 'REQUEST', { capability: 'sell:gpu-hours', description: 'again' }); return n } },
  { name: 'CLOSE while negotiating', code: 'SESSION_NOT_ALLOWED', build: () => { const { n } = opened(); n.force('initiator', 'CLOSE', {}); return n } },
  { name: 'the seller accepts its own offer', code: 'SESSION_OWN_OFFER', build: () => { const { n, offer } = opened(); n.force('responder', 'ACCEPT', { offer: offer.cid }); return n } },
  { name: 'an ACCEPT after the offer expired', code: 'SESSION_OFFER_EXPIRED', build: () => { const { n, offer } = opened(); n.force('initiator', 'ACCEPT', { offer: offer.cid }, { ts: T0 + 3001 }); return n } },
  { name: 'a message by an agent that does not speak for its side', code: 'SESSION_WRONG_AGENT', build: () => { const { n } = opened(); n.force('initiator', 'QUERY', { question: 'who?' }, { agent: 'intern' }); return n } },
  { name: 'a COMMIT carrying the other side\'s signature', code: 'SESSION_COMMIT_SIGNATURE', build: () => { const n = accepted(); n.force('initiator', 'COMMIT', { ...n.commitBody('initiator'), sig: n.commitBody('responder').sig }); return n } },
  { name: 'a second COMMIT by one side', code: 'SESSION_ALREADY_COMMITTED', build: () => { const n = accepted(); n.send('initiator', 'COMMIT', n.commitBody('initiator')); n.force('initiator', 'COMMIT', n.commitBody('initiator')); return n } },
  { name: 'a CONFIRM by the obligor', code: 'SESSION_NOT_BENEFICIARY', build: () => { const n = committed(); n.force('responder', 'CONFIRM', { obligation: 'deliver' }); return n } },
  { name: 'a CLOSE with obligations open', code: 'SESSION_OBLIGATIONS_OPEN', build: () => { const n = committed(); n.force('initiator', 'CLOSE', {}); return n } },
  {
    name: 'a message from an org outside the session',
    code: 'SESSION_WRONG_PARTY',
    build: () => {
      const { n } = opened()
      const outsider = new Negotiation({ initiator: mallory as OrgSigner, responder: signers.responder }, SESSION_ID, T0)
      outsider.messages.push(...n.messages)
      outsider.force('initiator', 'INFORM', { text: 'hello' })
      return outsider
    }
  }
]

describe('transcript findings', function () {
  this.timeout(60_000)
  let dir: { path: string, remove: () => Promise<void> }
  before(async () => { dir = await tempDir() })
  after(async () => dir.remove())

  describe('a forbidden step is reported with the machine\'s code, and the exporter refuses to write it', () => {
    for (const { name, code, build } of forbidden) {
      it(`${name}: ${code}`, async () => {
        const n = build()
        const file = join(dir.path, `${code}.car`)
        await writeFile(file, await transcriptCarBytes(transcriptLayout(n.messages)))
        const report = await verifyExports([file], { now })
        const seq = n.messages.length
        assert.deepEqual({ code: report.first?.code, sessionCode: report.first?.sessionCode, seq: report.first?.seq, position: report.first?.position },
          { code: 'TRANSCRIPT_STEP_REFUSED', sessionCode: code, seq, position: seq }, JSON.stringify(report.first))
        // Everything before the forbidden step checked out.
        assert.equal(report.files[0]?.type === 'transcript' && report.files[0].messages, seq - 1)
        await assert.rejects(exportTranscript(n.messages, undefined, join(dir.path, 'refused.car')),
          (err: TranscriptError) => err.code === 'TRANSCRIPT_INVALID' && err.details.code === code)
      })
    }
  })

  describe('against the parties\' log exports', () => {
    const n = committed()
    n.send('initiator', 'CONFIRM', { obligation: 'deliver' })
    const commitment = n.commitment()

    /** A party's real log holding `messages` (and the commitment), exported. */
    async function logExport (name: string, signer: OrgSigner, messages: Array<SignedRecord<SessionMessage>>): Promise<string> {
      const clock = new ManualClock(T0)
      const log = await Log.open(join(dir.path, name), signer, { clock })
      try {
        await log.append('genesis', { network: 'devnet', software: 'test' })
        for (const m of messages) {
          clock.advance(1000)
          await log.append('record', { kind: 'session-message', record: m.cid }, [m])
          if (m.value.type === 'COMMIT' && m.value.seq === 5) await log.append('record', { kind: 'commitment', record: commitment.cid }, [commitment])
        }
        await exportLog(log, join(dir.path, `${name}.car`))
      } finally {
        await log.close()
      }
      return join(dir.path, `${name}.car`)
    }

    it('a message missing from one party\'s log is reported, naming both files; each file alone is valid', async () => {
      const transcript = join(dir.path, 'deal.car')
      await exportTranscript(n.messages, commitment, transcript)
      const buyerLog = await logExport('buyer', signers.initiator, n.messages)
      const sellerLog = await logExport('seller', signers.responder, n.messages.filter((m) => m.value.seq !== 3))
      for (const f of [transcript, buyerLog, sellerLog]) assert.equal((await verifyExports([f], { now })).ok, true, f)
      assert.equal((await verifyExports([transcript, buyerLog], { now })).ok, true)

      const report = await verifyExports([transcript, buyerLog, sellerLog], { now })
      assert.equal(report.ok, false)
      assert.deepEqual(report.findings.map((f) => ({ code: f.code, seq: f.seq, position: f.position, files: f.files })),
        [{ code: 'TRANSCRIPT_NOT_IN_LOG', seq: 3, position: 3, files: [transcript, sellerLog] }])
      assert.deepEqual(report.files.map((f) => f.ok), [false, true, false])
    })

    it('a log holding no message of the session: every message is missing; a log of a third org is not compared', async () => {
      const transcript = join(dir.path, 'deal.car')
      const empty = await logExport('seller-empty', signers.responder, [])
      const outsider = await logExport('mallory', mallory, [])
      const report = await verifyExports([transcript, empty, outsider], { now })
      assert.deepEqual(report.findings.map((f) => f.code), Array(6).fill('TRANSCRIPT_NOT_IN_LOG'))
      assert.deepEqual(report.files[0]?.type === 'transcript' && report.files[0].crossChecked, [empty])
    })
  })
})
