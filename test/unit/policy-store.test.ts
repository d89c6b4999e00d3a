import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ManualClock } from '../../src/clock.js'
import { Log } from '../../src/log/log.js'
import { PolicyError } from '../../src/policy/errors.js'
import { policyChangeKind, type PolicyChange } from '../../src/policy/records.js'
import { POLICY_FILE, PolicyStore } from '../../src/policy/store.js'
import { decodeRecord } from '../../src/records/record.js'
import type { CID } from '../../src/records/codec.js'
import { testSigner } from '../helpers/keys.js'
import { tempDir } from '../helpers/tmp.js'

const org = testSigner('policy-store-org')

async function changes (log: Log): Promise<PolicyChange[]> {
  const out: PolicyChange[] = []
  for await (const entry of log.entries()) {
    const body = entry.value.body as { kind?: string, record?: CID }
    if (body.kind !== policyChangeKind.name || body.record === undefined) continue
    out.push(decodeRecord(policyChangeKind, (await log.getBlock(body.record))!).value)
  }
  return out
}

/** Opens the store the way the node does: read the file, replay the log, reconcile. */
async function openStore (dir: string, log: Log): Promise<PolicyStore> {
  const store = await PolicyStore.open(dir, log, org, new ManualClock())
  for (const change of await changes(log)) store.ingest(change)
  await store.reconcile()
  return store
}

describe('policy store (policies.json and policy-change records)', () => {
  let dir: { path: string, remove: () => Promise<void> }
  let log: Log

  beforeEach(async () => {
    dir = await tempDir('asp-policy-')
    log = await Log.open(join(dir.path, 'log'), org)
  })
  afterEach(async () => {
    await log.close()
    await dir.remove()
  })

  it('no file: no policies, nothing logged', async () => {
    const store = await openStore(dir.path, log)
    assert.deepEqual(store.document, { v: 1, agents: {} })
    assert.equal(store.policyFor('procurement').source, 'none')
    assert.equal(log.head().seq, 0)
  })

  const bad: Array<[string, string]> = [
    ['not JSON', '{"v": 1, "agents": {'],
    ['wrong version', '{"v": 2, "agents": {}}'],
    ['an unknown rule', '{"v": 1, "agents": {"procurement": {"spendingLimit": 5}}}'],
    ['a negative limit', '{"v": 1, "agents": {"procurement": {"spend": {"EUR": {"perDeal": -1}}}}}'],
    ['a fractional amount', '{"v": 1, "agents": {"procurement": {"spend": {"EUR": {"perDeal": 10.5}}}}}'],
    ['a lowercase currency', '{"v": 1, "agents": {"procurement": {"spend": {"eur": {"perDeal": 10}}}}}'],
    ['a score above 100', '{"v": 1, "agents": {"procurement": {"minReputation": {"base": 101}}}}'],
    ['a quorum larger than the approvers', '{"v": 1, "agents": {"procurement": {"approval": {"quorum": 3, "approvers": ["alice", "bob"]}}}}'],
    ['an org id that is not one', '{"v": 1, "agents": {"procurement": {"counterparties": {"deny": ["mallory"]}}}}'],
    ['a bad agent name', '{"v": 1, "agents": {"Procurement Team": {}}}']
  ]
  for (const [name, text] of bad) {
    it(`a bad file (${name}) is PolicyError POLICY_FILE_INVALID at open, and nothing is logged`, async () => {
      await writeFile(join(dir.path, POLICY_FILE), text)
      await assert.rejects(PolicyStore.open(dir.path, log, org, new ManualClock()), (err: PolicyError) => err instanceof PolicyError && err.code === 'POLICY_FILE_INVALID')
      assert.equal(log.head().seq, 0)
    })
  }

  it('set writes the file atomically and records each change; an invalid policy changes nothing', async () => {
    const store = await openStore(dir.path, log)
    await store.set('procurement', { spend: { EUR: { perDeal: 1000_00 } } })
    await store.set(null, { minReputation: { base: 20 } })
    assert.deepEqual(JSON.parse(await readFile(join(dir.path, POLICY_FILE), 'utf8')), { v: 1, defaults: { minReputation: { base: 20 } }, agents: { procurement: { spend: { EUR: { perDeal: 1000_00 } } } } })
    assert.equal(store.policyFor('sales').source, 'defaults')
    const before = log.head().seq
    await assert.rejects(store.set('procurement', { spend: { EUR: { perDeal: 'lots' } } }), (err: PolicyError) => err.code === 'POLICY_INVALID')
    assert.equal(log.head().seq, before)
    assert.deepEqual(store.policyFor('procurement').policy, { spend: { EUR: { perDeal: 1000_00 } } })
    await store.set('procurement', null)
    assert.equal(store.policyFor('procurement').source, 'defaults')
    assert.deepEqual((await changes(log)).map((c) => [c.agent, c.policy === null ? null : Object.keys(c.policy), c.source]), [
      ['procurement', ['spend'], 'api'],
      [null, ['minReputation'], 'api'],
      ['procurement', null, 'api']
    ])
    assert.deepEqual((await readdir(dir.path)).filter((f) => f.endsWith('.tmp')), [], 'no temp file left behind')
  })

  it('concurrent sets are applied one after the other: the file holds all of them', async () => {
    const store = await openStore(dir.path, log)
    await Promise.all(['a', 'b', 'c', 'd'].map(async (agent, i) => store.set(agent, { minReputation: { base: i } })))
    const doc = JSON.parse(await readFile(join(dir.path, POLICY_FILE), 'utf8')) as { agents: Record<string, unknown> }
    assert.deepEqual(Object.keys(doc.agents).sort(), ['a', 'b', 'c', 'd'])
    assert.equal((await changes(log)).length, 4)
  })

  it('a policy edited by hand in the file is recorded at the next start, once', async () => {
    const store = await openStore(dir.path, log)
    await store.set('procurement', { approval: { always: true } })
    const doc = JSON.parse(await readFile(join(dir.path, POLICY_FILE), 'utf8')) as { agents: Record<string, unknown> }
    doc.agents.procurement = { approval: { always: true, quorum: 2 } }
    doc.agents.sales = { capabilities: ['sell:gpu-hours'] }
    await writeFile(join(dir.path, POLICY_FILE), JSON.stringify(doc))
    await openStore(dir.path, log)
    const recorded = await changes(log)
    assert.deepEqual(recorded.slice(1).map((c) => [c.agent, c.source]).sort(), [['procurement', 'file'], ['sales', 'file']])
    await openStore(dir.path, log)
    assert.equal((await changes(log)).length, 3, 'nothing new the second time')
  })
})
