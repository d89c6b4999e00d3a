// Protocol ids and topic names. The network id separates networks: it is in the DHT protocol (so
// each network has its own private DHT) and in every topic name.
export const CARD_PROTOCOL = '/asp/card/1.0.0'
export const SYNC_PROTOCOL = '/asp/sync/1.0.0'

export function dhtProtocol (network: string): string {
  return `/asp/${network}/kad/1.0.0`
}

/** The gossip topic that carries records of one kind, e.g. /asp/devnet/head/1. */
export function topicFor (network: string, recordKind: string): string {
  return `/asp/${network}/${recordKind}/1`
}
