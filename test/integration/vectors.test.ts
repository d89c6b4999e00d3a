import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as dagJson from '@ipld/dag-json'
import { verifyExports } from '../../src/audit/verify.js'
import { cidOf, encode } from '../../src/records/codec.js'
import { verify } from '../../src/records/ed25519.js'
import { recordKind } from '../../src/records/kinds/index.js'
import { decodeRecord, signingMessage } from '../../src/records/record.js'
import { publicKeyOfOrg } from '../../src/records/org-id.js'
import { makeLogVectors, type LogVector } from '../../scripts/vectors/log-vectors.js'
import { recordVectors } from '../../scripts/vectors/record-vectors.js'
import { disputeVectors } from '../../scripts/vectors/dispute-vectors.js'
import { ConsequenceBook, type ConsequenceKind } from '../../src/commitments/book.js'
import { repoRoot } from '../helpers/paths.js'

const vectorsDir = join(repoRoot, 'protocols', 'vectors')

interface Manifest { now: number, maxSkewMs: number, vectors: LogVector[] }
interface RecordVector { kind: string, value: unknown, bytes: string, cid: string, signingMessage: string | null, signatures: Array<{ signer: string, sig: string }> }

describe('test vectors (protocols/vectors)', () => {
  it('the committed vectors are exactly what the code produces', async () => {
    const { keys, records } = recordVectors()
    assert.deepEqual(JSON.parse(await readFile(join(vectorsDir, 'keys.json'), 'utf8')), keys)
    assert.deepEqual(JSON.parse(await readFile(join(vectorsDir, 'records.json'), 'utf8')), records)
    assert.deepEqual(JSON.parse(await readFile(join(vectorsDir, 'disputes.json'), 'utf8')), disputeVectors())
    const { files, vectors } = await makeLogVectors()
    for (const [name, bytes] of files) {
      assert.deepEqual(new Uint8Array(await readFile(join(vectorsDir, 'log', name))), new Uint8Array(bytes), `log/${name} is stale: run node dist/scripts/make-vectors.js`)
    }
    const manifest = JSON.parse(await readFile(join(vectorsDir, 'log', 'manifest.json'), 'utf8')) as Manifest
    assert.deepEqual(manifest.vectors, JSON.parse(JSON.stringify(vectors)))
  })

  it('record vectors: bytes are canonical, CIDs and signing messages match, signatures verify', async () => {
    const { records } = JSON.parse(await readFile(join(vectorsDir, 'records.json'), 'utf8')) as { records: RecordVector[] }
    for (const v of records) {
      const bytes = Buffer.from(v.bytes, 'hex')
      const value = dagJson.decode(new TextEncoder().encode(JSON.stringify(v.value)))
      assert.deepEqual(Buffer.from(encode(value)), bytes, `${v.kind}: DAG-JSON value encodes to the bytes`)
      assert.equal(cidOf(bytes).toString(), v.cid)
      const kind = recordKind(v.kind)
      const record = decodeRecord(kind, bytes)
      if (v.signingMessage !== null) {
        const message = signingMessage(kind.signingDomain ?? v.kind, kind.unsigned(record.value))
        assert.equal(Buffer.from(message).toString('hex'), v.signingMessage)
        for (const s of v.signatures) assert.ok(verify(publicKeyOfOrg(s.signer), message, Buffer.from(s.sig, 'hex')))
      }
    }
  })

  it('consequence vectors: the attestation carries the commitment\'s signatures, and a node accepts each record in order', async () => {
    const { records } = JSON.parse(await readFile(join(vectorsDir, 'records.json'), 'utf8')) as { records: RecordVector[] }
    const commitment = records.find((v) => v.kind === 'commitment')!
    const attestation = records.find((v) => v.kind === 'attestation')!
    assert.equal(attestation.signingMessage, commitment.signingMessage, 'both sign the agreement in the domain "commitment"')
    assert.deepEqual(attestation.signatures, commitment.signatures)
    assert.ok(commitment.signingMessage!.startsWith(Buffer.from('asp/v1/commitment\0').toString('hex')))
    // A node that holds nothing yet: every record is judged against the ones before it, and accepted.
    const book = new ConsequenceBook(16, () => Date.UTC(2026, 6, 1), 300_000)
    for (const v of records.filter((r) => ['attestation', 'receipt', 'dispute', 'vote', 'verdict'].includes(r.kind))) {
      const record = decodeRecord(recordKind(v.kind), Buffer.from(v.bytes, 'hex'))
      assert.deepEqual(book.judge(v.kind as ConsequenceKind, record), { verdict: 'accept' }, `${v.kind} ${v.cid}`)
      book.note(v.kind as ConsequenceKind, record)
    }
    assert.equal(book.verdicts.size, 1)
  })

  describe('log exports: asp verify reports what the manifest says', () => {
    const manifest = JSON.parse(readFileSync(join(vectorsDir, 'log', 'manifest.json'), 'utf8')) as Manifest
    for (const vector of manifest.vectors) {
      it(`${vector.name}: ${vector.expect.ok ? 'valid' : vector.expect.code}`, async () => {
        const report = await verifyExports(vector.files.map((f) => join(vectorsDir, 'log', f)), { now: manifest.now, maxSkewMs: manifest.maxSkewMs })
        if (vector.expect.ok) {
          assert.equal(report.ok, true, JSON.stringify(report.first))
          return
        }
        assert.equal(report.ok, false)
        if (vector.expect.code !== 'LOG_FORK') assert.ok(!report.findings.some((f) => f.code === 'LOG_FORK'), 'no fork reported')
        const first = report.first
        assert.equal(first?.code, vector.expect.code, JSON.stringify(first))
        if (vector.expect.seq !== undefined) assert.equal(first?.seq, vector.expect.seq)
        if (vector.expect.position !== undefined) assert.equal(first?.position, vector.expect.position)
      })
    }
  })
})
