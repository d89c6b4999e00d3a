import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { verifyExports } from '../../src/audit/verify.js'
import { transcriptManifestSchema } from '../../src/session/transcript-export.js'
import { jsonSchemas } from '../../scripts/schemas.js'
import { readCar } from '../../scripts/vectors/car.js'
import { makeTranscriptVectors, TRANSCRIPT_MAX_SKEW_MS, TRANSCRIPT_VERIFY_NOW, type TranscriptVector } from '../../scripts/vectors/transcript-vectors.js'
import { repoRoot } from '../helpers/paths.js'

const dir = join(repoRoot, 'protocols', 'vectors', 'transcript')

interface Manifest { now: number, maxSkewMs: number, vectors: TranscriptVector[] }

describe('transcript vectors (protocols/vectors/transcript)', () => {
  it('the committed vectors are exactly what the code produces', async () => {
    const { files, vectors } = await makeTranscriptVectors()
    for (const [name, bytes] of files) {
      assert.deepEqual(new Uint8Array(await readFile(join(dir, name))), new Uint8Array(bytes), `transcript/${name} is stale: run node dist/scripts/make-vectors.js`)
    }
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest
    assert.deepEqual(manifest.vectors, JSON.parse(JSON.stringify(vectors)))
    assert.equal(manifest.now, TRANSCRIPT_VERIFY_NOW)
    assert.equal(manifest.maxSkewMs, TRANSCRIPT_MAX_SKEW_MS)
  })

  describe('asp verify reports what the manifest says', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest
    for (const vector of manifest.vectors) {
      it(`${vector.name}: ${vector.expect.ok ? 'valid' : vector.expect.code}`, async () => {
        const report = await verifyExports(vector.files.map((f) => join(dir, f)), { now: manifest.now, maxSkewMs: manifest.maxSkewMs })
        if (vector.expect.ok) {
          assert.equal(report.ok, true, JSON.stringify(report.first))
          return
        }
        const first = report.first
        assert.equal(first?.code, vector.expect.code, JSON.stringify(first))
        assert.equal(first?.seq, vector.expect.seq, JSON.stringify(first))
        assert.equal(first?.position, vector.expect.position, JSON.stringify(first))
        assert.equal(first?.sessionCode, vector.expect.sessionCode, JSON.stringify(first))
      })
    }
  })

  it('a transcript is told from a log export by its manifest, and reported as one', async () => {
    const report = await verifyExports([join(dir, 'deal.car'), join(dir, 'alice-log.car'), join(dir, 'bob-log.car')], { now: TRANSCRIPT_VERIFY_NOW })
    assert.deepEqual(report.files.map((f) => f.type), ['transcript', 'log', 'log'])
    const t = report.files[0]
    assert.ok(t?.type === 'transcript')
    assert.equal(t.session, 'aaaaaaaaaaaaaaaaaaaaaaaaaa')
    assert.equal(t.messages, 8)
    assert.equal(t.phase, 'closed')
    assert.notEqual(t.commitment, null)
    assert.deepEqual(t.crossChecked, [join(dir, 'alice-log.car'), join(dir, 'bob-log.car')])
    assert.equal(t.parties?.initiator.agent, 'procurement')
  })

  it('the manifest of deal.car is valid against the published JSON Schema and the code\'s schema; a broken one is not', async () => {
    const { roots, blocks } = await readCar(await readFile(join(dir, 'deal.car')))
    assert.equal(roots[0]?.toString(), blocks[0]?.cid.toString())
    const manifest = dagCbor.decode(blocks[0]!.bytes)
    const json = JSON.parse(Buffer.from(dagJson.encode(manifest)).toString('utf8')) as Record<string, unknown>
    const validate = new Ajv2020({ strict: false }).compile(jsonSchemas().get('transcript-manifest') as object)
    assert.equal(validate(json), true, JSON.stringify(validate.errors))
    assert.equal(validate({ ...json, extra: 1 }), false)
    assert.equal(validate({ ...json, format: 'asp-log' }), false)
    assert.equal(transcriptManifestSchema.safeParse(manifest).success, true)
    assert.equal(transcriptManifestSchema.safeParse({ ...(manifest as object), messages: 0 }).success, false)
  })
})
