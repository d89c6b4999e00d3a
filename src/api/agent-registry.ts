// The agents of this org and their API tokens, in <data-dir>/agents.json (mode 0600). A token is
// shown once, when its agent is registered; the file keeps only its SHA-256. `asp agent add`
// writes the file whether or not the node runs; a running node notices the change by the file's
// mtime (checked on an unknown token, and at most once a second otherwise), so a new agent works
// at once and a removed one stops within a second.
import { createHash, randomBytes } from 'node:crypto'
import { readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { identifier } from '../records/schema-types.js'
import { ApiError } from './problem.js'

export const AGENTS_FILE = 'agents.json'
const TOKEN_PREFIX = 'asp_agent_'
const RECHECK_MS = 1000

const agentsFile = z.strictObject({
  v: z.literal(1),
  agents: z.array(z.strictObject({ name: identifier, tokenSha256: z.string().regex(/^[0-9a-f]{64}$/), created: z.number().int() }))
})
type AgentsFile = z.infer<typeof agentsFile>

export interface AgentInfo {
  name: string
  created: number
}

export function tokenDigest (token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

async function readAgents (dataDir: string): Promise<AgentsFile> {
  let text: string
  try {
    text = await readFile(join(dataDir, AGENTS_FILE), 'utf8')
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return { v: 1, agents: [] }
    throw err
  }
  return agentsFile.parse(JSON.parse(text))
}

async function writeAgents (dataDir: string, file: AgentsFile): Promise<void> {
  // Written beside and renamed: a reader never sees half a file.
  const path = join(dataDir, AGENTS_FILE)
  const partial = `${path}.${process.pid}.partial`
  await writeFile(partial, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 })
  await rename(partial, path)
}

/** Registers an agent and returns its token: the only time the token exists outside the caller. */
export async function addAgent (dataDir: string, name: string, now = Date.now()): Promise<{ name: string, token: string, created: number }> {
  if (!identifier.safeParse(name).success) throw new ApiError('API_REQUEST_INVALID', `"${name}" is not an agent name (lowercase letters, digits, dashes)`)
  const file = await readAgents(dataDir)
  if (file.agents.some((a) => a.name === name)) throw new ApiError('API_AGENT_EXISTS', `agent ${name} is registered already`)
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url')
  file.agents.push({ name, tokenSha256: tokenDigest(token), created: now })
  await writeAgents(dataDir, file)
  return { name, token, created: now }
}

export async function removeAgent (dataDir: string, name: string): Promise<boolean> {
  const file = await readAgents(dataDir)
  const kept = file.agents.filter((a) => a.name !== name)
  if (kept.length === file.agents.length) return false
  await writeAgents(dataDir, { v: 1, agents: kept })
  return true
}

export async function listAgents (dataDir: string): Promise<AgentInfo[]> {
  return (await readAgents(dataDir)).agents.map(({ name, created }) => ({ name, created }))
}

/** A running node's view of agents.json, reloaded when the file changes. */
export class AgentRegistry {
  private byDigest = new Map<string, string>()
  private mtimeMs = -1
  private checkedAt = 0

  constructor (private readonly dataDir: string) {}

  async load (): Promise<void> {
    let mtimeMs = 0
    try {
      mtimeMs = (await stat(join(this.dataDir, AGENTS_FILE))).mtimeMs
    } catch {
      // No agents.json yet: no agents.
    }
    this.checkedAt = Date.now()
    if (mtimeMs === this.mtimeMs) return
    const file = await readAgents(this.dataDir)
    this.byDigest = new Map(file.agents.map((a) => [a.tokenSha256, a.name]))
    this.mtimeMs = mtimeMs
  }

  /** The agent a token belongs to, or undefined. */
  async agentOf (token: string): Promise<string | undefined> {
    const digest = tokenDigest(token)
    if (Date.now() - this.checkedAt > RECHECK_MS || !this.byDigest.has(digest)) await this.load()
    return this.byDigest.get(digest)
  }

  async has (name: string): Promise<boolean> {
    await this.load()
    return [...this.byDigest.values()].includes(name)
  }
}
