import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { KEY_FILE } from '../../datadir.js'
import { DataDirError } from '../../errors.js'
import { addAgent, AGENTS_FILE, listAgents, removeAgent } from '../../api/agent-registry.js'
import { parse, requireString, UsageError } from '../args.js'

const usage = `usage: asp agent add NAME --data-dir DIR
       asp agent list --data-dir DIR
       asp agent remove NAME --data-dir DIR

Registers the agents that may use this node's API. "add" prints the agent's token once: give it to
the agent (Authorization: Bearer <token>). The data dir keeps only its SHA-256, in ${AGENTS_FILE}
(mode 0600). Works whether or not the node runs: a running node picks the change up at once for
a new token, and within a second for a removed one.`

export async function run (argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  const { values, positionals } = parse(rest, { 'data-dir': { type: 'string' } }, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  await stat(join(dataDir, KEY_FILE)).catch((err: unknown) => {
    throw new DataDirError('DATADIR_MISSING', `${dataDir} holds no node; run "asp init --data-dir ${dataDir}" first`, { dataDir }, { cause: err })
  })
  if (sub === 'list') {
    for (const a of await listAgents(dataDir)) console.log(`${a.name}\t${new Date(a.created).toISOString()}`)
    return 0
  }
  const name = positionals[0]
  if (name === undefined || positionals.length !== 1) throw new UsageError(usage)
  if (sub === 'add') {
    const { token } = await addAgent(dataDir, name)
    console.error(`registered agent ${name}; its token (shown only now):`)
    console.log(token)
    return 0
  }
  if (sub === 'remove') {
    if (!await removeAgent(dataDir, name)) {
      console.error(`no agent ${name}`)
      return 1
    }
    console.error(`removed agent ${name}; its token no longer works`)
    return 0
  }
  throw new UsageError(usage)
}
