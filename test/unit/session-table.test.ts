import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { MESSAGE_TYPES } from '../../src/session/message-types.js'
import { renderTable } from '../../src/session/table.js'
import { repoRoot } from '../helpers/paths.js'

describe('protocols/session.md and the state machine', () => {
  it('the table in the spec is the table the machine uses', async () => {
    const doc = await readFile(join(repoRoot, 'protocols', 'session.md'), 'utf8')
    const section = /<!-- state-table:begin -->\n([\s\S]*?)\n<!-- state-table:end -->/.exec(doc)
    assert.ok(section !== null, 'the spec holds the state-table markers')
    assert.equal(section[1], renderTable(MESSAGE_TYPES))
  })
})
