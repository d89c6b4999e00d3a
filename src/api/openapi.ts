// The OpenAPI 3.1 document of the local API, generated from the endpoints' zod schemas: the same
// schemas that validate requests and answers, so the document cannot drift from the server.
import { z } from 'zod'
import { SOFTWARE } from '../version.js'
import { changesState, type Endpoint } from './endpoint.js'
import { party } from '../session/message-kind.js'
import { termsSchema } from '../session/terms.js'
import { policySchema } from '../policy/document.js'
import { approvalView } from './contract/approvals.js'
import { disputeView, obligationView, subjectScoreView } from './contract/consequence-schemas.js'
import { eventSchema } from './contract/events.js'
import { cardView } from './contract/node.js'
import { messageViewSchema, sessionView } from './contract/session-schemas.js'
import { problemSchema } from './problem.js'

type JsonSchema = Record<string, unknown>

/** Schemas used in many places, written once under components.schemas and referred to. */
const sharedIds = new Map<z.core.$ZodType, string>([
  [termsSchema, 'Terms'],
  [party, 'Party'],
  [sessionView, 'Session'],
  [messageViewSchema, 'SessionMessage'],
  [cardView, 'AgentCard'],
  [eventSchema, 'Event'],
  [problemSchema, 'Problem'],
  [obligationView, 'Obligation'],
  [disputeView, 'Dispute'],
  [subjectScoreView, 'SubjectScore'],
  [approvalView, 'Approval'],
  [policySchema, 'Policy']
])

/**
 * The metadata the generator reads: each schema's own (descriptions, titles, formats, from the
 * global registry) plus the component id of the shared ones. A registry of ids alone would replace
 * the global one and drop every description.
 */
const metadata = z.registry<Record<string, unknown>>()
metadata.get = (schema) => {
  const meta = z.globalRegistry.get(schema)
  const id = sharedIds.get(schema)
  return id === undefined ? meta : { ...meta, id }
}

/** A JSON Schema of `schema`; shared parts go to `components` and are referred to. */
function jsonSchema (schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io, metadata }) as JsonSchema
  const defs = (out.$defs ?? {}) as Record<string, JsonSchema>
  delete out.$schema
  delete out.$defs
  for (const [id, def] of Object.entries(defs)) {
    const known = components[id]
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(toComponents(def))) throw new Error(`schema ${id} differs between its uses`)
    components[id] = toComponents(def)
  }
  return toComponents(out)
}

function toComponents (schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema
}

function parameters (schema: z.ZodType | undefined, where: 'path' | 'query', components: Record<string, JsonSchema>): JsonSchema[] {
  if (schema === undefined) return []
  const object = jsonSchema(schema, 'input', components)
  const required = new Set((object.required as string[] | undefined) ?? [])
  return Object.entries((object.properties ?? {}) as Record<string, JsonSchema>).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s
  }))
}

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Any 1 to 255 printable ASCII characters, unique per intended action. A retry with the same key answers the first successful answer again (header Idempotent-Replayed: true) without acting twice; the same key with another request is 409 API_IDEMPOTENCY_CONFLICT.',
  schema: { type: 'string', minLength: 1, maxLength: 255 }
}

function operation (e: Endpoint, components: Record<string, JsonSchema>): JsonSchema {
  const produces = e.produces ?? 'application/json'
  const success = produces === 'application/json'
    ? jsonSchema(e.response, 'output', components)
    : { type: 'string', description: e.response.description ?? '' }
  const errors = e.errors !== undefined && e.errors.length > 0 ? `\n\nError codes besides the common ones: ${e.errors.join(', ')}.` : ''
  return {
    operationId: e.id,
    tags: [e.tag],
    summary: e.summary,
    description: `${e.description ?? e.summary}${errors}`,
    security: e.auth === 'public' ? [] : [{ bearer: [] }],
    parameters: [...parameters(e.params, 'path', components), ...parameters(e.query, 'query', components), ...(changesState(e.method) ? [idempotencyKey] : [])],
    ...(e.body !== undefined ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(e.body, 'input', components) } } } } : {}),
    responses: {
      [String(e.status ?? 200)]: { description: e.summary, content: { [produces]: { schema: success } } },
      '4XX': { $ref: '#/components/responses/Problem' },
      '5XX': { $ref: '#/components/responses/Problem' }
    }
  }
}

export function openApiDocument (endpoints: Endpoint[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {}
  const schemas: Record<string, JsonSchema> = {}
  jsonSchema(problemSchema, 'output', schemas)
  jsonSchema(eventSchema, 'output', schemas)
  for (const e of endpoints) (paths[e.path] ??= {})[e.method.toLowerCase()] = operation(e, schemas)
  return {
    openapi: '3.1.0',
    info: {
      title: 'ASP node local API',
      version: SOFTWARE,
      description: 'The HTTP API of one organization\'s ASP node, for its agents and its operator. See docs/agents.md.'
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: 'http://127.0.0.1:7450', description: 'The default address; see <data-dir>/api.json for the actual one.' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An agent token (asp agent add) or the operator token (<data-dir>/operator.token).' } },
      schemas,
      responses: { Problem: { description: 'An error, as RFC 9457 problem details with a stable code.', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } }
    }
  }
}
