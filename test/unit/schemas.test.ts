import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { jsonSchemas } from '../../scripts/schemas.js'
import { repoRoot } from '../helpers/paths.js'

const dir = join(repoRoot, 'protocols', 'schemas')

describe('JSON Schemas (protocols/schemas)', () => {
  it('the committed schemas are exactly the ones generated from the code', async () => {
    for (const [name, schema] of jsonSchemas()) {
      const committed = JSON.parse(await readFile(join(dir, `${name}.schema.json`), 'utf8'))
      assert.deepEqual(committed, schema, `${name}.schema.json is stale: run npm run vectors`)
    }
  })

  it('every record in the vectors is valid against its kind\'s schema, and a broken one is not', async () => {
    const ajv = new Ajv2020({ strict: false })
    const { records } = JSON.parse(await readFile(join(repoRoot, 'protocols', 'vectors', 'records.json'), 'utf8')) as { records: Array<{ kind: string, value: Record<string, unknown> }> }
    for (const record of records) {
      const validate = ajv.getSchema(`urn:asp:v1:schema:${record.kind}`) ?? ajv.compile(jsonSchemas().get(record.kind) as object)
      assert.equal(validate(record.value), true, `${record.kind}: ${JSON.stringify(validate.errors)}`)
      assert.equal(validate({ ...record.value, unexpected: 1 }), false)
    }
  })
})
