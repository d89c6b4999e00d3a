import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { endpoints } from '../../src/api/contract/index.js'
import { tokenOf } from '../helpers/api-kit.js'
import { startNetwork, type TestNetwork } from '../helpers/network.js'

type Doc = { openapi: string, components: { schemas: Record<string, object> }, paths: Record<string, Record<string, { operationId: string, parameters: Array<{ schema: object }>, requestBody?: { content: Record<string, { schema: object }> }, responses: Record<string, { content?: Record<string, { schema: object }> }> }>> }

/**
 * Validates with a maintained OpenAPI validator: @seriousme/openapi-schema-validator when
 * installed, else Python's openapi-spec-validator. Returns the validator's name and its errors.
 */
async function validateWithMaintainedValidator (doc: unknown): Promise<{ validator: string, errors: string[] }> {
  try {
    const name = '@seriousme/openapi-schema-validator'
    const { Validator } = await import(name) as { Validator: new () => { validate(d: unknown): Promise<{ valid: boolean, errors?: unknown }> } }
    const result = await new Validator().validate(doc)
    return { validator: name, errors: result.valid ? [] : [JSON.stringify(result.errors)] }
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err
  }
  const python = spawnSync('python3', ['-c', 'import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(sys.stdin))'], { input: JSON.stringify(doc), encoding: 'utf8' })
  if (python.error !== undefined || /No module named/.test(python.stderr)) {
    throw new Error('no maintained OpenAPI validator: install @seriousme/openapi-schema-validator (npm) or openapi-spec-validator (pip)')
  }
  return { validator: 'openapi-spec-validator (Python)', errors: python.status === 0 ? [] : [python.stderr.trim().split('\n').slice(-3).join('\n')] }
}

describe('API: the served OpenAPI 3.1 document', function () {
  this.timeout(60_000)
  let net: TestNetwork
  let doc: Doc

  before(async () => {
    net = await startNetwork(1)
    const res = await fetch(`${net.nodes[0]!.apiUrl as string}/v1/openapi.json`)
    assert.equal(res.status, 200)
    doc = await res.json() as Doc
  })

  after(async () => net?.stop())

  it('is valid OpenAPI 3.1 for a maintained validator', async () => {
    assert.match(doc.openapi, /^3\.1\.\d+$/)
    const { validator, errors } = await validateWithMaintainedValidator(doc)
    assert.deepEqual(errors, [], validator)
  })

  it('every schema in it compiles as JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false })
    // The shared schemas, under the document's own URI, so that references to them resolve.
    ajv.addSchema({ $id: 'urn:asp:openapi', components: doc.components })
    const compile = (schema: object): unknown => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"urn:asp:openapi#/components/')) as object)
    let n = 0
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        const schemas = [
          ...op.parameters.map((p) => p.schema),
          ...Object.values(op.requestBody?.content ?? {}).map((c) => c.schema),
          ...Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {}).map((c) => c.schema))
        ]
        for (const schema of schemas) {
          assert.doesNotThrow(() => compile(schema), `${op.operationId}`)
          n++
        }
      }
    }
    assert.ok(n > 50)
  })

  it('holds the consequence, approval and policy routes, and says how discovery ranks', () => {
    const ops = new Map(Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op.operationId])))
    const expected: Record<string, string> = {
      'GET /v1/commitments': 'listCommitments',
      'GET /v1/commitments/{id}': 'readCommitment',
      'POST /v1/commitments/{id}/confirm': 'confirmObligation',
      'POST /v1/commitments/{id}/waive': 'waiveObligation',
      'GET /v1/disputes': 'listDisputes',
      'GET /v1/disputes/{id}': 'getDispute',
      'POST /v1/disputes': 'openDispute',
      'GET /v1/reputation': 'reputationTable',
      'GET /v1/reputation/{org}': 'getReputation',
      'GET /v1/approvals': 'listApprovals',
      'GET /v1/approvals/{id}': 'getApproval',
      'POST /v1/approvals/{id}/decisions': 'decideApproval',
      'GET /v1/policies': 'getPolicies',
      'GET /v1/policies/defaults': 'getDefaultPolicy',
      'PUT /v1/policies/defaults': 'setDefaultPolicy',
      'DELETE /v1/policies/defaults': 'clearDefaultPolicy',
      'GET /v1/policies/agents/{agent}': 'getAgentPolicy',
      'PUT /v1/policies/agents/{agent}': 'setAgentPolicy',
      'DELETE /v1/policies/agents/{agent}': 'clearAgentPolicy'
    }
    for (const [route, id] of Object.entries(expected)) assert.equal(ops.get(route), id, route)
    const discover = doc.paths['/v1/discover']!.get! as unknown as { description: string }
    assert.match(discover.description, /sorted by that score/)
    assert.ok(doc.components.schemas.Event !== undefined)
  })

  it('lists every endpoint, and every operation it lists is served', async () => {
    const listed = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId)).sort()
    assert.deepEqual(listed, Object.keys(endpoints).sort())
    const token = await tokenOf(net, 0)
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        const url = (net.nodes[0]!.apiUrl as string) + path.replace(/\{[a-zA-Z]+\}/g, 'x')
        const res = await fetch(url, { method: method.toUpperCase(), headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) })
        if (res.headers.get('content-type')?.startsWith('text/event-stream') === true) {
          await res.body?.cancel()
          continue
        }
        const body = await res.text()
        assert.ok(!body.includes('No such route'), `${method} ${path} is served`)
      }
    }
  })
})
