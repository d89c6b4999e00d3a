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
import { repoRoot } from '../helpers/paths.js'

const vectorsDir = join(repoRoot, 'protocols', 'vectors')

interface Manifest { now: number, maxSkewMs: number, vectors: LogVector[] }
interface RecordVector { kind: string, value: unknown, bytes: string, cid: string, signingMessage: string | null, signatures: Array<{ signer: string, sig: string }> }

describe('test vectors (protocols/vectors)', () => {
  it('the committed vectors are exactly what the code produces', async () => {
    const { keys, records } = recordVectors()
    assert.deepEqual(JSON.parse(await readFile(join(vectorsDir, 'keys.json'), 'utf8')), keys)
    assert.deepEqual(JSON.parse(await readFile(join(vectorsDir, 'records.json'), 'utf8')), records)
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
