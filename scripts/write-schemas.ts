import '../src/polyfill.js'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { jsonSchemas } from './schemas.js'

const dir = new URL('../../protocols/schemas/', import.meta.url).pathname
await mkdir(dir, { recursive: true })
const schemas = jsonSchemas()
for (const [name, schema] of schemas) await writeFile(join(dir, `${name}.schema.json`), JSON.stringify(schema, null, 2) + '\n')
console.log(`wrote ${schemas.size} schemas to ${dir}`)
