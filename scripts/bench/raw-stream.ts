// The baseline of network benchmarks: a raw libp2p request/response on an already-open stream.
import { randomBytes } from 'node:crypto'
import type { PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { AspNode } from '../../src/node.js'

const ECHO_PROTOCOL = '/asp-bench/echo/1.0.0'

/** Answers every length-prefixed message on the echo protocol with itself (in this process or another). */
export async function serveEcho (server: AspNode): Promise<void> {
  await server.peer.handle(ECHO_PROTOCOL, async (stream: Stream) => {
    const lp = lpStream(stream)
    try {
      for (;;) await lp.write(await lp.read())
    } catch {
      // EOF (the client closed its side) or a reset: the run is over.
    }
    await stream.close().catch(() => {})
  }, { maxInboundStreams: 2, maxOutboundStreams: 2 })
}

/** Round trips of a 64-byte payload to a peer that serves the echo, on one already-open stream, each in µs. */
export async function echoRoundTrips (client: AspNode, server: PeerId, warmup = 200, trips = 2000): Promise<number[]> {
  const signal = AbortSignal.timeout(60_000)
  const stream = await client.peer.dialProtocol(server, ECHO_PROTOCOL, { signal })
  try {
    const lp = lpStream(stream)
    const payload = randomBytes(64)
    const samples: number[] = []
    for (let i = 0; i < warmup + trips; i++) {
      const t = performance.now()
      await lp.write(payload, { signal })
      const echo = await lp.read({ signal })
      const dt = performance.now() - t
      if (echo.byteLength !== payload.length) throw new Error(`the echo has ${echo.byteLength} bytes, not ${payload.length}`)
      if (i >= warmup) samples.push(dt * 1000)
    }
    await stream.close({ signal })
    return samples
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

/** Round trips of a 64-byte payload between two nodes of this process, each in µs. */
export async function rawRoundTrips (client: AspNode, server: AspNode, warmup = 200, trips = 2000): Promise<number[]> {
  await serveEcho(server)
  try {
    return await echoRoundTrips(client, server.peerId, warmup, trips)
  } finally {
    await server.peer.unhandle(ECHO_PROTOCOL)
  }
}
