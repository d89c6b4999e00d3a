import { initDataDir } from '../../datadir.js'
import { parse, requireString } from '../args.js'

const usage = `usage: asp init --data-dir DIR [--network NAME]

Creates a node's data dir: a new org key (mode 0600) and its log, whose first entry is the genesis.`

export async function run (argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'data-dir': { type: 'string' }, network: { type: 'string', default: 'devnet' } }, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  const key = await initDataDir(dataDir, { network: String(values.network) })
  console.log(`created ${dataDir}`)
  console.log(`org (peer id): ${key.orgId}`)
  return 0
}
