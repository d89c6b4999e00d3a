// The operator's policies, in <data-dir>/policies.json: read and checked once at start (a bad file
// stops the node with POLICY_FILE_INVALID), replaced atomically on every change (temp file, fsync,
// rename), and every change recorded in the log as a policy-change record.
import { randomBytes } from 'node:crypto'
import { open, readFile, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Clock } from '../clock.js'
import type { Log } from '../log/log.js'
import type { Signer } from '../records/ed25519.js'
import { signRecord } from '../records/record.js'
import { encode } from '../records/codec.js'
import { EMPTY_DOCUMENT, policyDocumentSchema, policyFor, policySchema, type Policy, type PolicyDocument } from './document.js'
import { PolicyError } from './errors.js'
import { policyChangeKind, type PolicyChange } from './records.js'

export const POLICY_FILE = 'policies.json'

/** Whose policy: an agent's, or the defaults (null). */
export type PolicyTarget = string | null

export class PolicyStore {
  private doc: PolicyDocument
  private writes: Promise<unknown> = Promise.resolve()
  /** The policy each target had in its last policy-change record (rebuilt from the log). */
  private readonly logged = new Map<PolicyTarget, Policy | null>()

  private constructor (
    readonly file: string,
    doc: PolicyDocument,
    private readonly log: Log,
    private readonly signer: Signer,
    private readonly clock: Clock
  ) {
    this.doc = doc
  }

  /** Reads and checks the file (absent: no policies). A bad file is PolicyError POLICY_FILE_INVALID. */
  static async open (dataDir: string, log: Log, signer: Signer, clock: Clock): Promise<PolicyStore> {
    const file = join(dataDir, POLICY_FILE)
    return new PolicyStore(file, await readPolicyFile(file), log, signer, clock)
  }

  get document (): PolicyDocument {
    return this.doc
  }

  policyFor (agent: string): ReturnType<typeof policyFor> {
    return policyFor(this.doc, agent)
  }

  /** Notes a policy-change record met while the log is read at start. */
  ingest (change: PolicyChange): void {
    this.logged.set(change.agent, change.policy)
  }

  /**
   * After the log was read: a policy in the file that differs from the last one logged (edited by
   * hand, or a crash between the file write and the log append) is recorded now, as source "file".
   */
  async reconcile (): Promise<number> {
    const targets = new Set<PolicyTarget>([null, ...Object.keys(this.doc.agents), ...this.logged.keys()])
    let recorded = 0
    for (const target of targets) {
      const current = this.current(target)
      if (!samePolicy(current, this.logged.get(target) ?? null)) {
        await this.record(target, current, 'file')
        recorded++
      }
    }
    return recorded
  }

  /** Sets (or, with null, removes) a target's policy: the file first, then the log. */
  async set (target: PolicyTarget, input: unknown): Promise<Policy | null> {
    const parsed = input === null ? { success: true as const, data: null } : policySchema.safeParse(input)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new PolicyError('POLICY_INVALID', `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid policy'}`, { issues: parsed.error.issues })
    }
    const policy = parsed.data
    const run = this.writes.then(async () => {
      const agents = { ...this.doc.agents }
      let defaults = this.doc.defaults
      if (target === null) defaults = policy ?? undefined
      else if (policy === null) delete agents[target]
      else agents[target] = policy
      const next: PolicyDocument = { v: 1, ...(defaults !== undefined ? { defaults } : {}), agents }
      await writeAtomically(this.file, JSON.stringify(next, null, 2) + '\n')
      this.doc = next
      await this.record(target, policy, 'api')
      return policy
    })
    this.writes = run.catch(() => {})
    return run
  }

  private current (target: PolicyTarget): Policy | null {
    if (target === null) return this.doc.defaults ?? null
    return Object.hasOwn(this.doc.agents, target) ? this.doc.agents[target] ?? null : null
  }

  private async record (target: PolicyTarget, policy: Policy | null, source: 'api' | 'file'): Promise<void> {
    const change = signRecord(policyChangeKind, { v: 1, org: this.log.author, agent: target, policy, source, ts: this.clock.now() }, this.signer)
    await this.log.append('record', { kind: policyChangeKind.name, record: change.cid }, [change])
    this.logged.set(target, policy)
  }
}

async function readPolicyFile (file: string): Promise<PolicyDocument> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_DOCUMENT
    throw new PolicyError('POLICY_FILE_INVALID', `${file} cannot be read: ${(err as Error).message}`, { file }, { cause: err })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new PolicyError('POLICY_FILE_INVALID', `${file} is not JSON: ${(err as Error).message}`, { file }, { cause: err })
  }
  const parsed = policyDocumentSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new PolicyError('POLICY_FILE_INVALID', `${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, { file, issues: parsed.error.issues })
  }
  return parsed.data
}

/** Replaces `file` so that a reader sees the old or the new content, never a mix, even after a crash. */
async function writeAtomically (file: string, content: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  try {
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(content, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, file)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
  const dir = await open(dirname(file), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

/** Same policy: the same canonical encoding (key order does not matter). */
function samePolicy (a: Policy | null, b: Policy | null): boolean {
  if (a === null || b === null) return a === b
  return Buffer.from(encode(a)).equals(Buffer.from(encode(b)))
}
