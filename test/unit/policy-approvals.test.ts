import assert from 'node:assert/strict'
import { join } from 'node:path'
import { ManualClock } from '../../src/clock.js'
import { Log } from '../../src/log/log.js'
import { Approvals, type ApprovalView } from '../../src/policy/approvals.js'
import { ApprovalError } from '../../src/policy/errors.js'
import { approvalKind, decisionKind } from '../../src/policy/records.js'
import type { CID } from '../../src/records/codec.js'
import { decodeRecord } from '../../src/records/record.js'
import { testSigner } from '../helpers/keys.js'
import { tempDir } from '../helpers/tmp.js'

const org = testSigner('approvals-org')

/** Rebuilds approvals from the log, as the node does at start. */
async function rebuild (log: Log, clock: ManualClock): Promise<Approvals> {
  const approvals = new Approvals(log, org, clock)
  for await (const entry of log.entries()) {
    const body = entry.value.body as { kind?: string, record?: CID }
    if (body.record === undefined) continue
    const bytes = (await log.getBlock(body.record))!
    if (body.kind === approvalKind.name) {
      const r = decodeRecord(approvalKind, bytes)
      approvals.ingest({ kind: 'approval', value: r.value, cid: r.cid })
    } else if (body.kind === decisionKind.name) {
      approvals.ingest({ kind: 'approval-decision', value: decodeRecord(decisionKind, bytes).value })
    }
  }
  return approvals
}

describe('approvals (generic: subject, payload, handler)', () => {
  let dir: { path: string, remove: () => Promise<void> }
  let log: Log
  let clock: ManualClock
  let approvals: Approvals
  const carried: Array<[string, string, unknown]> = []

  const handler = { decided: async (view: ApprovalView, payload: unknown) => { carried.push([view.id, view.status, payload]) } }

  beforeEach(async () => {
    dir = await tempDir('asp-approvals-')
    log = await Log.open(join(dir.path, 'log'), org)
    clock = new ManualClock()
    approvals = new Approvals(log, org, clock)
    carried.length = 0
    approvals.handle('vote', handler)
  })
  afterEach(async () => {
    await log.close()
    await dir.remove()
  })

  const ask = async (quorum: number, approvers?: string[]): Promise<ApprovalView> =>
    approvals.request({ subject: { kind: 'vote', id: 'dispute-1' }, summary: 'rule on dispute 1: breach', facts: { verdict: 'breach' }, quorum, ...(approvers !== undefined ? { approvers } : {}), payload: { verdict: 'breach', weight: 3 } })

  it('a quorum of two distinct approvers: the same one twice does not count, the second one settles it', async () => {
    const a = await ask(2)
    assert.equal(a.status, 'pending')
    assert.equal((await approvals.decide(a.id, 'alice', 'approve')).status, 'pending')
    await assert.rejects(approvals.decide(a.id, 'alice', 'approve'), (err: ApprovalError) => err.code === 'APPROVAL_DUPLICATE_APPROVER')
    assert.equal(carried.length, 0)
    const done = await approvals.decide(a.id, 'bob', 'approve', 'checked the evidence')
    assert.equal(done.status, 'approved')
    assert.deepEqual(done.outcome, { ok: true })
    assert.deepEqual(carried, [[a.id, 'approved', { verdict: 'breach', weight: 3 }]])
    await assert.rejects(approvals.decide(a.id, 'carol', 'refuse'), (err: ApprovalError) => err.code === 'APPROVAL_CLOSED')
    assert.equal(log.head().seq, 3, 'the approval and two decisions')
  })

  it('one refusal refuses, whatever the quorum', async () => {
    const a = await ask(3)
    await approvals.decide(a.id, 'alice', 'approve')
    assert.equal((await approvals.decide(a.id, 'bob', 'refuse')).status, 'refused')
    assert.deepEqual(carried.map(([, status]) => status), ['refused'])
  })

  it('only the named approvers may decide; an unknown id is APPROVAL_NOT_FOUND; nothing is logged for either', async () => {
    const a = await ask(1, ['alice', 'bob'])
    const seq = log.head().seq
    await assert.rejects(approvals.decide(a.id, 'mallory', 'approve'), (err: ApprovalError) => err.code === 'APPROVAL_NOT_APPROVER')
    await assert.rejects(approvals.decide('bafyreinotthere', 'alice', 'approve'), (err: ApprovalError) => err.code === 'APPROVAL_NOT_FOUND')
    assert.equal(log.head().seq, seq)
  })

  it('two approvers deciding at once settle the approval exactly once', async () => {
    const a = await ask(2)
    await approvals.decide(a.id, 'alice', 'approve')
    const results = await Promise.allSettled([approvals.decide(a.id, 'bob', 'approve'), approvals.decide(a.id, 'carol', 'approve')])
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'])
    assert.equal(carried.length, 1)
  })

  it('a handler that fails leaves the decision standing, with its code as the outcome', async () => {
    approvals.handle('vote', { decided: async () => { throw new ApprovalError('APPROVAL_NO_HANDLER', 'boom') } })
    const a = await ask(1)
    const done = await approvals.decide(a.id, 'alice', 'approve')
    assert.equal(done.status, 'approved')
    assert.deepEqual(done.outcome, { ok: false, code: 'APPROVAL_NO_HANDLER', message: 'boom' })
  })

  it('rebuilt from the log: pending ones stay pending and can be decided; resume carries out what was not', async () => {
    const pending = await ask(2)
    await approvals.decide(pending.id, 'alice', 'approve')
    const other = await approvals.request({ subject: { kind: 'vote', id: 'dispute-2' }, summary: 'rule on dispute 2', quorum: 1, payload: 'dismiss' })
    await approvals.decide(other.id, 'alice', 'approve')
    const again = await rebuild(log, clock)
    assert.deepEqual(again.list('pending').map((a) => [a.id, a.decisions.map((d) => d.approver)]), [[pending.id, ['alice']]])
    assert.deepEqual(again.get(other.id)?.status, 'approved')
    carried.length = 0
    let settled = false
    again.handle('vote', { ...handler, settled: () => settled })
    await again.resume()
    assert.deepEqual(carried.map(([id]) => id), [other.id], 'the decided one is carried out again; the pending one is not')
    settled = true
    carried.length = 0
    await again.resume()
    assert.equal(carried.length, 0)
    const done = await again.decide(pending.id, 'bob', 'approve')
    assert.equal(done.status, 'approved')
    assert.deepEqual(carried.map(([id, status]) => [id, status]), [[pending.id, 'approved']])
  })
})
