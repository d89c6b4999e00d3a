// The local API in tests: real nodes with their HTTP API, agents with tokens, typed clients, and
// a webhook receiver that checks every signature.
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { addAgent } from '../../src/api/agent-registry.js'
import type { ApiEvent } from '../../src/api/contract/events.js'
import { verifyWebhook } from '../../src/api/webhook-signature.js'
import { AspClient } from '../../src/client/client.js'
import type { NodeConfig } from '../../src/config.js'
import type { AspNode } from '../../src/node.js'
import { toJson } from '../../src/api/json.js'
import { terms } from './session-kit.js'
import type { TestNetwork } from './network.js'

/** Webhook retries in milliseconds, so a test can wait for them. */
export function fastWebhooks (config: NodeConfig): void {
  config.api.webhookBackoffMinMs = 20
  config.api.webhookBackoffMaxMs = 300
  config.api.webhookTimeoutMs = 2000
}

export async function agentClient (net: TestNetwork, i: number, name: string): Promise<AspClient> {
  const { token } = await addAgent(net.dir(i), name)
  return new AspClient({ url: net.nodes[i]!.apiUrl as string, token })
}

export async function operatorClient (net: TestNetwork, i: number): Promise<AspClient> {
  return new AspClient({ url: net.nodes[i]!.apiUrl as string, token: (await readFile(join(net.dir(i), 'operator.token'), 'utf8')).trim() })
}

/** Deal terms as JSON (no arbiters), with the obligations of session-kit. */
export function dealTerms (): Record<string, unknown> {
  return toJson(terms({ arbiters: [], quorum: 0 })) as Record<string, unknown>
}

export const tokenOf = async (net: TestNetwork, i: number): Promise<string> => (await readFile(join(net.dir(i), 'operator.token'), 'utf8')).trim()

export const urlOf = (node: AspNode): string => node.apiUrl as string

/** An HTTP server that records the webhook deliveries whose signature verifies. */
export class WebhookReceiver {
  readonly events: ApiEvent[] = []
  readonly badSignatures: string[] = []
  secret = ''
  private server: Server | null = null
  port = 0

  async listen (port = 0): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        if (!verifyWebhook(this.secret, String(req.headers['asp-signature']), body)) {
          this.badSignatures.push(body)
          res.writeHead(400).end()
          return
        }
        const event = JSON.parse(body) as ApiEvent
        if (req.headers['asp-event-id'] !== event.id) this.badSignatures.push(`id header ${String(req.headers['asp-event-id'])} for ${event.id}`)
        this.events.push(event)
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    this.server = server
    this.port = (server.address() as AddressInfo).port
    return `http://127.0.0.1:${this.port}/hook`
  }

  async close (): Promise<void> {
    const server = this.server
    this.server = null
    if (server === null) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  ids (): string[] {
    return this.events.map((e) => e.id)
  }
}
