// The libp2p 3 peer of a node: TCP, noise, yamux, identify, ping, a kad-dht private to the network,
// and gossipsub. Settings found necessary on loopback and private networks are explained inline.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { NodeConfig } from '../config.js'
import { dhtProtocol } from './protocols.js'

// A type alias, not an interface: libp2p's ServiceMap needs an index signature.
export type Services = {
  identify: Identify
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
}

export type Peer = Libp2p<Services>

export async function createPeer (privateKey: PrivateKey, config: NodeConfig): Promise<Peer> {
  return createLibp2p({
    privateKey,
    start: false,
    addresses: { listen: config.listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: config.net.maxConnections,
      // libp2p's default (5 per second per host) drops local devnets, where all nodes are one host.
      inboundConnectionThreshold: config.net.inboundConnectionThreshold
    },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: dhtProtocol(config.network),
        // Unset, the DHT stays a client until it sees a public address, and the default mapper drops
        // private addresses: on loopback or a LAN the routing tables would stay empty.
        clientMode: false,
        peerInfoMapper: passthroughMapper,
        initialQuerySelfInterval: config.dht.initialQuerySelfIntervalMs
      }),
      pubsub: gossipsub({
        // A node alone on its network may still publish: the record reaches peers through sync later.
        allowPublishToZeroTopicPeers: true
      })
    }
  })
}

/** The DHT's routing table size (present at runtime on the single-DHT service, absent from its type). */
export function routingTableSize (peer: Peer): number {
  return (peer.services.dht as unknown as { routingTable?: { size: number } }).routingTable?.size ?? 0
}
