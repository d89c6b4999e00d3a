// The JSON Schemas of protocols/schemas/, generated from the same zod schemas that validate records,
// so the published schemas and the code cannot drift apart (a test compares them).
import { z } from 'zod'
import { entryBodies } from '../src/log/entry-kinds.js'
import { recordKinds } from '../src/records/kinds/index.js'
import { bodySchemas } from '../src/session/message-types.js'
import { transcriptManifestSchema } from '../src/session/transcript-export.js'

export function jsonSchemas (): Map<string, unknown> {
  const out = new Map<string, unknown>()
  const convert = (id: string, schema: z.ZodType, description: string): unknown => ({
    $id: `urn:asp:v1:schema:${id}`,
    description,
    ...z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' })
  })
  for (const kind of recordKinds.values()) {
    out.set(kind.name, convert(kind.name, kind.schema as z.ZodType, `${kind.description} DAG-JSON form of the record; see protocols/records.md.`))
  }
  for (const [type, schema] of Object.entries(bodySchemas)) {
    out.set(`session-body-${type.toLowerCase()}`, convert(`session-body-${type.toLowerCase()}`, schema as z.ZodType, `The body of a ${type} session message; see protocols/session.md.`))
  }
  for (const [name, schema] of Object.entries(entryBodies)) {
    out.set(`entry-body-${name}`, convert(`entry-body-${name}`, schema, `The body of a "${name}" log entry; see protocols/log.md.`))
  }
  out.set('transcript-manifest', convert('transcript-manifest', transcriptManifestSchema, 'The manifest of a session transcript export (the root block); see protocols/session.md, "Transcript export".'))
  return out
}
