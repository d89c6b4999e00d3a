import { AspNode } from '../../node.js'
import { optionalInt, parse, requireString } from '../args.js'

const usage = `usage: asp start --data-dir DIR [--listen MULTIADDR...] [--api-port PORT]

Runs the node in the foreground until SIGINT or SIGTERM, then stops it cleanly.
Settings come from DIR/config.toml, then these environment variables, then the flags:
  ASP_NETWORK, ASP_LISTEN (comma-separated), ASP_BOOTSTRAP, ASP_API_PORT`

export async function run (argv: string[]): Promise<number> {
  const { values } = parse(argv, { 'data-dir': { type: 'string' }, listen: { type: 'string', multiple: true }, 'api-port': { type: 'string' } }, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  const listen = values.listen as string[] | undefined
  const apiPort = optionalInt(values, 'api-port', usage)
  const node = await AspNode.open(dataDir, {
    config: (c) => {
      if (listen !== undefined) c.listen = listen
      if (apiPort !== undefined) c.api.port = apiPort
    }
  })
  await node.start()
  const status = node.status()
  console.log(`ASP node ${status.peerId} on ${status.network}`)
  for (const address of status.addresses) console.log(`  listening ${address}`)
  console.log(`  api ${status.api ?? '(off)'} (operator token in ${dataDir}/operator.token)`)
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
  console.log(`${signal}: stopping`)
  await node.stop()
  console.log('stopped')
  return 0
}
