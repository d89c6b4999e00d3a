// The network's peer list (bootstrap/<network>.json, or a file named in config) and the loop that
// dials it while this node has no connection at all.
import { readFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { logger } from '@libp2p/logger'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { z } from 'zod'
import { ConfigError, type NodeConfig } from '../config.js'
import type { Peer } from './libp2p.js'

const log = logger('asp:net:bootstrap')

const SHIPPED = fileURLToPath(new URL('../../../bootstrap/', import.meta.url))

const peerList = z.strictObject({
  network: z.string(),
  description: z.string().optional(),
  peers: z.array(z.string().regex(/\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/, 'each peer is a multiaddr ending in /p2p/<peer id>'))
})

export async function loadPeerList (dataDir: string, config: NodeConfig): Promise<Multiaddr[]> {
  const file = config.bootstrap === '' ? join(SHIPPED, `${config.network}.json`) : isAbsolute(config.bootstrap) ? config.bootstrap : join(dataDir, config.bootstrap)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if (config.bootstrap === '') return [] // no shipped list for this network: this node starts it
    throw new ConfigError('CONFIG_INVALID', `bootstrap file ${file} cannot be read`, {}, { cause: err })
  }
  let parsed: z.infer<typeof peerList>
  try {
    parsed = peerList.parse(JSON.parse(text))
  } catch (err) {
    throw new ConfigError('CONFIG_INVALID', `bootstrap file ${file}: ${(err as Error).message}`, {}, { cause: err })
  }
  if (parsed.network !== config.network) throw new ConfigError('CONFIG_INVALID', `bootstrap file ${file} is for network ${parsed.network}, this node is on ${config.network}`)
  return parsed.peers.map((p) => {
    try {
      return multiaddr(p)
    } catch (err) {
      throw new ConfigError('CONFIG_INVALID', `bootstrap file ${file}: ${p} is not a multiaddr`, {}, { cause: err })
    }
  })
}

/** Dials the peer list now, and again every `intervalMs` while no connection is open. */
export async function keepBootstrapped (peer: Peer, list: Multiaddr[], intervalMs: number, signal: AbortSignal): Promise<void> {
  const self = peer.peerId.toString()
  const others = list.filter((addr) => addr.getComponents().find((c) => c.name === 'p2p')?.value !== self)
  while (!signal.aborted) {
    if (peer.getConnections().length === 0 && others.length > 0) {
      await Promise.all(others.map(async (addr) => {
        try {
          await peer.dial(addr, { signal: AbortSignal.any([signal, AbortSignal.timeout(5000)]) })
        } catch (err) {
          if (!signal.aborted) log('bootstrap peer %a unreachable: %s', addr, (err as Error).message)
        }
      }))
    }
    await sleep(intervalMs, signal)
  }
}

export async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    function done (): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })
}
