import { initDataDir } from '../../datadir.js'
import { optionalInt, parse, requireString } from '../args.js'

const usage = `usage: asp init --data-dir DIR [--network NAME] [--listen MULTIADDR...] [--bootstrap FILE] [--api-port PORT]

Creates a node's data dir:
  org.key         the organization's Ed25519 key (libp2p format, mode 0600): its PeerId and signer
  operator.token  the operator's API token (mode 0600)
  config.toml     every setting with its default, commented
  log/            the signed log, whose first entry is the genesis

  --network NAME      devnet (default), testnet, ...
  --listen MULTIADDR  libp2p listen address, repeatable (default /ip4/0.0.0.0/tcp/4001)
  --bootstrap FILE    peer list file (default: bootstrap/<network>.json of this package)
  --api-port PORT     port of the local HTTP API on 127.0.0.1 (default 7450; 0 = any free port)`

export async function run (argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    'data-dir': { type: 'string' },
    network: { type: 'string', default: 'devnet' },
    listen: { type: 'string', multiple: true },
    bootstrap: { type: 'string' },
    'api-port': { type: 'string' }
  }, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  const key = await initDataDir(dataDir, {
    network: String(values.network),
    listen: values.listen as string[] | undefined,
    bootstrap: values.bootstrap as string | undefined,
    apiPort: optionalInt(values, 'api-port', usage)
  })
  console.log(`created ${dataDir}`)
  console.log(`org (peer id): ${key.orgId}`)
  return 0
}
