// One request, one response, per stream: the framing every direct ASP protocol uses (card, sync).
// Frames are length-prefixed DAG-CBOR with a size limit, and every read has a timeout. A peer that
// sends garbage gets a typed error frame or a reset; nothing it sends reaches the handler unchecked.
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { lpStream } from '@libp2p/utils'
import { logger } from '@libp2p/logger'
import { AspError, isAspError } from '../errors.js'
import { decodeCanonical, encode } from '../records/codec.js'
import type { Peer } from './libp2p.js'

const log = logger('asp:net:rpc')

export type NetErrorCode = 'NET_TIMEOUT' | 'NET_FRAME_INVALID' | 'NET_REMOTE_ERROR' | 'NET_UNREACHABLE' | 'NET_REQUEST_INVALID' | 'NET_WRONG_NETWORK'
  // Channels (channel.ts): the stream ended with the request in flight; the peer had too many in flight.
  | 'NET_CHANNEL_CLOSED' | 'NET_BUSY'

export class NetError extends AspError<NetErrorCode> {
  override name = 'NetError'
}

export interface RpcLimits {
  maxFrameBytes: number
  readTimeoutMs: number
  maxStreamsPerPeer: number
}

/** What a handler may answer with an error frame: its code and message travel to the requester. */
export type Handler = (request: unknown, remote: PeerId, signal: AbortSignal) => Promise<unknown>

export async function serve (peer: Peer, protocol: string, handler: Handler, limits: RpcLimits): Promise<void> {
  await peer.handle(protocol, async (stream: Stream, connection: Connection) => {
    const lp = lpStream(stream, { maxDataLength: limits.maxFrameBytes })
    const signal = AbortSignal.timeout(limits.readTimeoutMs)
    let request: unknown
    try {
      request = decodeCanonical((await lp.read({ signal })).subarray())
    } catch (err) {
      // Oversized, malformed, late or missing request: reset, and spend nothing more on this peer.
      log('bad request on %s from %p: %s', protocol, connection.remotePeer, (err as Error).message)
      stream.abort(err as Error)
      return
    }
    let reply: unknown
    try {
      reply = { ok: await handler(request, connection.remotePeer, signal) }
    } catch (err) {
      if (!isAspError(err)) log.error('handler of %s failed: %e', protocol, err)
      reply = { error: { code: isAspError(err) ? err.code : 'INTERNAL', message: isAspError(err) ? err.message : 'internal error' } }
    }
    try {
      await lp.write(encode(reply), { signal })
      await stream.close({ signal })
    } catch (err) {
      stream.abort(err as Error)
    }
  }, { maxInboundStreams: limits.maxStreamsPerPeer, maxOutboundStreams: limits.maxStreamsPerPeer })
}

export async function request (peer: Peer, remote: PeerId | Multiaddr, protocol: string, body: unknown, limits: RpcLimits, options: { signal?: AbortSignal } = {}): Promise<unknown> {
  const signal = options.signal === undefined ? AbortSignal.timeout(limits.readTimeoutMs) : AbortSignal.any([options.signal, AbortSignal.timeout(limits.readTimeoutMs)])
  let stream: Stream
  try {
    // Optimistic protocol selection: the request goes out with the protocol proposal, saving a round trip.
    stream = await peer.dialProtocol(remote, protocol, { signal, negotiateFully: false })
  } catch (err) {
    throw new NetError(signal.aborted ? 'NET_TIMEOUT' : 'NET_UNREACHABLE', `cannot open ${protocol}: ${(err as Error).message}`, {}, { cause: err })
  }
  const lp = lpStream(stream, { maxDataLength: limits.maxFrameBytes })
  let reply: unknown
  try {
    await lp.write(encode(body), { signal })
    reply = decodeCanonical((await lp.read({ signal })).subarray())
    await stream.close({ signal })
  } catch (err) {
    stream.abort(err as Error)
    if (signal.aborted) throw new NetError('NET_TIMEOUT', `${protocol}: no answer in time`, {}, { cause: err })
    throw new NetError('NET_FRAME_INVALID', `${protocol}: ${(err as Error).message}`, {}, { cause: err })
  }
  if (typeof reply === 'object' && reply !== null && 'ok' in reply) return (reply as { ok: unknown }).ok
  if (typeof reply === 'object' && reply !== null && 'error' in reply) {
    const e = (reply as { error?: { code?: unknown, message?: unknown } }).error
    throw new NetError('NET_REMOTE_ERROR', `${protocol}: the peer answered ${String(e?.code)}: ${String(e?.message)}`, { remoteCode: e?.code })
  }
  throw new NetError('NET_FRAME_INVALID', `${protocol}: the answer is neither ok nor error`)
}
