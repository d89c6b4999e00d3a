// A selling node in a process of its own, for bench:session: each org's node runs in its own process
// in a deployment, and here it gets its own core. Its agent answers a REQUEST with a PROPOSE and an
// ACCEPT with its COMMIT, at once. Protocol with the parent (IPC): it sends {orgId, address} when
// started; 'mark' starts a measurement, 'usage' answers {cores, mainThread} since the mark; it stops
// when told 'stop'.
import '../../src/polyfill.js'
import { join } from 'node:path'
import { initDataDir } from '../../src/datadir.js'
import { AspNode } from '../../src/node.js'
import { commitSigningMessage } from '../../src/session/commitment-kind.js'
import { terms } from '../../test/helpers/session-kit.js'
import { serveEcho } from './raw-stream.js'
import { benchConfig } from './session-config.js'

const root = process.argv[2]
if (root === undefined || process.send === undefined) throw new Error('usage: fork(session-seller.js, [dataDirRoot])')
const dir = join(root, 'seller-process')
await initDataDir(dir, { network: 'devnet', bootstrap: '' })
const node = await AspNode.open(dir, { api: false, config: benchConfig })
await node.start()
// The parent measures the raw round trip to this process too, beside the messages.
await serveEcho(node)

const offer = terms({ arbiters: [], quorum: 0 })
node.sessions.onEvent((event) => {
  if (event.direction !== 'in') return
  const reply = (): Promise<unknown> | undefined => {
    if (event.message.type === 'REQUEST') return node.sessions.send(event.session, { type: 'PROPOSE', body: { terms: offer } })
    if (event.message.type === 'ACCEPT') {
      const agreement = event.state.agreement!
      return node.sessions.send(event.session, { type: 'COMMIT', body: { agreement: agreement.cid, sig: node.key.signer.sign(commitSigningMessage(agreement.value)) } })
    }
    return undefined
  }
  reply()?.catch((err: Error) => { process.stderr.write(`seller: ${err.message}\n`) })
})

let mark = { cpu: process.cpuUsage(), at: performance.now(), loop: performance.eventLoopUtilization() }
process.on('message', (message) => {
  if (message === 'mark') {
    mark = { cpu: process.cpuUsage(), at: performance.now(), loop: performance.eventLoopUtilization() }
  } else if (message === 'usage') {
    // Cores this process used since the mark, and the share of that time its main thread was busy.
    const cpu = process.cpuUsage(mark.cpu)
    const seconds = (performance.now() - mark.at) / 1000
    process.send?.({ cores: (cpu.user + cpu.system) / 1e6 / seconds, mainThread: performance.eventLoopUtilization(mark.loop).utilization })
  } else if (message === 'stop') {
    void node.stop().then(() => process.exit(0))
  }
})
process.send({ orgId: node.key.orgId, address: node.peer.getMultiaddrs()[0]!.toString() })
