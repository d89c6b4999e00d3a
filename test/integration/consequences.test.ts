import assert from 'node:assert/strict'
import { join } from 'node:path'
import { verifyExports } from '../../src/audit/verify.js'
import { attestationKind } from '../../src/commitments/attestation-kind.js'
import { receiptKind } from '../../src/commitments/receipt-kind.js'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { ManualClock } from '../../src/clock.js'
import { PUBLIC_KINDS } from '../../src/gossip/public-records.js'
import { recordsIn } from '../../src/log/records-in-log.js'
import { NodeReputation } from '../../src/reputation/node-view.js'
import { cliPath } from '../helpers/paths.js'
import { exportLog } from '../../src/log/export.js'
import { parseCid } from '../../src/records/codec.js'
import { disputeKind, type Dispute } from '../../src/disputes/dispute-kind.js'
import { topicFor } from '../../src/net/protocols.js'
import { encodeRecord, signRecord, type SignedRecord } from '../../src/records/record.js'
import { buildVerdict, verdictKind } from '../../src/disputes/verdict-kind.js'
import { voteKind, type Vote } from '../../src/disputes/vote-kind.js'
import type { AspNode } from '../../src/node.js'
import type { Signer } from '../../src/records/ed25519.js'
import { closeDeal } from '../helpers/deal-kit.js'
import { testSigner } from '../helpers/keys.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'

// Node 0 bootstraps the others; it is an arbiter that stays up, so restarted nodes find the network.
const exec = promisify(execFile)
const BUYER = 1
const VENDOR_A = 2
const VENDOR_B = 3
const ARBITERS = [0, 4, 5]

describe('consequences: attestations, receipts, automatic disputes, verdicts (6 real nodes)', function () {
  this.timeout(180_000)
  let net: TestNetwork
  const node = (i: number): AspNode => net.nodes[i] as AspNode
  const arbiters = (): AspNode[] => ARBITERS.map(node)
  const statusOn = (n: AspNode, commitment: string, obligation: string): string | undefined => n.consequences.status(commitment)?.find((o) => o.id === obligation)?.status

  before(async () => {
    net = await startNetwork(6, {
      config: (c) => {
        c.disputes.graceMs = 1500
        c.disputes.watchdogIntervalMs = 100
        c.disputes.responseWindowMs = 800
        c.arbiter.enabled = true
      }
    })
    await eventually('every node sees the others', () => net.nodes.every((n) => n.peer.getPeers().length >= 2))
  })

  after(async () => net?.stop())

  it('honored: every obligation confirmed, and every node of the network derives it', async () => {
    const { session, commitment } = await closeDeal(node(BUYER), node(VENDOR_A), { arbiters: arbiters(), quorum: 2, deliverInMs: 60_000, payInMs: 60_000 })
    await eventually('the attestation reaches every node', () => net.nodes.every((n) => n.consequences.book.attestations.has(commitment)))
    await node(BUYER).sessions.send(session, { type: 'CONFIRM', body: { obligation: 'deliver' } })
    await node(VENDOR_A).sessions.send(session, { type: 'CONFIRM', body: { obligation: 'pay' } })
    await eventually('honored on every node', () => net.nodes.every((n) => n.consequences.status(commitment)?.every((o) => o.status === 'honored') === true))
    // The network sees who owes what, never the price.
    const attestation = node(ARBITERS[0] as number).consequences.book.attestations.get(commitment)!
    assert.equal(JSON.stringify(attestation.value).includes('2000000'), false)
    assert.equal(node(ARBITERS[0] as number).consequences.book.commitments.has(commitment), false, 'a non-party holds no terms')
    for (const n of net.nodes) if (n !== node(VENDOR_A)) assert.equal(n.reputation.score(node(VENDOR_A).key.orgId)?.honored, 1)
  })

  it('broken: a missed deadline opens a dispute by itself, the arbiters rule breach, every node holds the verdict (one arbiter offline)', async () => {
    const vendor = node(VENDOR_B).key.orgId
    const before = new Map(net.nodes.map((n) => [n, n.reputation.score(vendor)?.score ?? 0]))
    const { commitment } = await closeDeal(node(BUYER), node(VENDOR_B), { arbiters: arbiters(), quorum: 2, deliverInMs: 1000, payInMs: 600_000 })
    await node(ARBITERS[2] as number).stop()
    await eventually('the buyer\'s node opens the dispute', () => node(BUYER).consequences.book.disputesOf.has(`${commitment}/deliver`), 30_000)
    const [disputeCid] = node(BUYER).consequences.book.disputesOf.get(`${commitment}/deliver`)!
    const dispute = node(BUYER).consequences.book.disputes.get(disputeCid!)!
    assert.equal(dispute.value.claim, 'missed-deadline')
    assert.equal(dispute.value.respondent, vendor)
    const live = net.nodes.filter((_, i) => i !== ARBITERS[2])
    await eventually('every running node holds a breach verdict', () => live.every((n) => statusOn(n, commitment, 'deliver') === 'breached'), 30_000)
    for (const n of live) {
      const verdict = [...n.consequences.book.verdicts.get(disputeCid!)!.values()][0]!
      assert.equal(verdict.read.outcome, 'breach')
      assert.ok(verdict.read.votes.every((v) => v.value.arbiter !== node(ARBITERS[2] as number).key.orgId), 'the offline arbiter did not vote')
      if (n === node(VENDOR_B)) continue
      assert.equal(n.reputation.score(vendor)?.breached, 1)
      assert.ok((n.reputation.score(vendor)?.score ?? 100) < (before.get(n) ?? 0), 'the verdict lowers vendor B\'s score on every node')
    }
    // The offline arbiter catches up through sync when it comes back.
    await net.restart(ARBITERS[2] as number)
    await eventually('the restarted arbiter learns the verdict', () => statusOn(node(ARBITERS[2] as number), commitment, 'deliver') === 'breached', 30_000)
  })

  it('cleared: the vendor presents the buyer\'s signed receipt, and the dispute is dismissed', async () => {
    const { commitment } = await closeDeal(node(BUYER), node(VENDOR_A), { arbiters: arbiters(), quorum: 2, deliverInMs: 800, payInMs: 600_000 })
    await eventually('the buyer\'s node opens the dispute', () => node(BUYER).consequences.book.disputesOf.has(`${commitment}/deliver`), 30_000)
    const [disputeCid] = node(BUYER).consequences.book.disputesOf.get(`${commitment}/deliver`)!
    // A receipt the buyer's key signed that only the vendor holds (handed over out of band).
    const receipt = signRecord(receiptKind, { v: 1, commitment: parseCid(commitment), obligation: 'deliver', obligor: node(VENDOR_A).key.orgId, beneficiary: node(BUYER).key.orgId, outcome: 'met', at: Date.now() - 500 }, node(BUYER).key.signer)
    await node(VENDOR_A).records.accept('receipt', receipt)
    await eventually('dismissed on every node', () => net.nodes.every((n) => n.consequences.book.verdicts.get(disputeCid!)?.has('dismissed') === true), 30_000)
    const verdict = node(BUYER).consequences.book.verdicts.get(disputeCid!)!.get('dismissed')!
    assert.ok(verdict.read.votes.every((v) => v.value.rule === 'receipt'))
    for (const n of net.nodes) if (n !== node(BUYER)) assert.equal(n.reputation.score(node(BUYER).key.orgId)?.rejectedClaims, 1, 'a dismissed claim counts against the claimant')
  })

  it('restart between the deadline and the end of grace: the dispute opens exactly once', async () => {
    const { commitment } = await closeDeal(node(BUYER), node(VENDOR_B), { arbiters: arbiters(), quorum: 2, deliverInMs: 300, payInMs: 600_000 })
    await node(BUYER).stop()
    await new Promise((resolve) => setTimeout(resolve, 500))
    await net.restart(BUYER)
    await eventually('the dispute opens', () => node(BUYER).consequences.book.disputesOf.has(`${commitment}/deliver`), 30_000)
    await net.restart(BUYER)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    assert.equal(node(BUYER).consequences.book.disputesOf.get(`${commitment}/deliver`)?.length, 1)
    await eventually('every node sees one dispute', () => net.nodes.every((n) => n.consequences.book.disputesOf.get(`${commitment}/deliver`)?.length === 1), 30_000)
  })

  it('an arbiter whose human must approve votes: its vote waits for the approval, then the verdict forms', async () => {
    const careful = ARBITERS[1] as number
    await net.restart(careful, { config: (c) => { c.arbiter.humanApproval = true } })
    const { commitment } = await closeDeal(node(BUYER), node(VENDOR_B), { arbiters: arbiters(), quorum: 3, deliverInMs: 300, payInMs: 600_000 })
    await eventually('the dispute opens', () => node(BUYER).consequences.book.disputesOf.has(`${commitment}/deliver`), 30_000)
    const [dispute] = node(BUYER).consequences.book.disputesOf.get(`${commitment}/deliver`)!
    const approvals = node(careful).guardrails.approvals
    await eventually('the careful arbiter asks its human', () => approvals.forSubject('vote', dispute!).length === 1, 30_000)
    await eventually('the two other arbiters voted', () => node(BUYER).consequences.book.votes.get(dispute!)?.size === 2, 30_000)
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.equal(node(BUYER).consequences.book.verdicts.has(dispute!), false, 'no verdict without the third vote (quorum 3)')
    const [approval] = approvals.forSubject('vote', dispute!)
    assert.equal(approval?.facts.outcome, 'breach')
    await approvals.decide(approval!.id, 'arbiter-human', 'approve')
    await eventually('the verdict forms on every node', () => net.nodes.every((n) => statusOn(n, commitment, 'deliver') === 'breached'), 30_000)
  })

  it('forged records are rejected everywhere with their reason and never stored', async () => {
    const { commitment } = await closeDeal(node(BUYER), node(VENDOR_A), { arbiters: arbiters(), quorum: 2, deliverInMs: 600_000, payInMs: 600_000 })
    await eventually('the attestation is everywhere', () => net.nodes.every((n) => n.consequences.book.attestations.has(commitment)))
    const attestation = node(BUYER).consequences.book.attestations.get(commitment)!
    const commitmentCid = parseCid(commitment)
    const buyer = node(BUYER).key
    const vendor = node(VENDOR_A).key
    // A receipt signed by the obligor instead of the beneficiary.
    const selfReceipt = signRecord(receiptKind, { v: 1, commitment: commitmentCid, obligation: 'deliver', obligor: buyer.orgId, beneficiary: vendor.orgId, outcome: 'met', at: Date.now() }, vendor.signer)
    // An attestation with one signature (the other made by someone else).
    const oneSig = encodeRecord(attestationKind, { ...attestation.value, sigs: { ...attestation.value.sigs, responder: testSigner('mallory').sign(new Uint8Array([1])) } })
    // Verdicts: by non-arbiters, by too few arbiters.
    const dispute = signRecord(disputeKind, { v: 1, commitment: commitmentCid, obligation: 'deliver', claimant: buyer.orgId, respondent: vendor.orgId, claim: 'not-as-agreed', evidence: [], openedAt: Date.now() }, buyer.signer) as SignedRecord<Dispute>
    const voteBy = (key: { orgId: string, signer: Signer }): SignedRecord<Vote> => signRecord(voteKind, { v: 1, dispute: dispute.cid, commitment: commitmentCid, obligation: 'deliver', outcome: 'breach', rule: 'unrefuted', evidence: [], arbiter: key.orgId, at: Date.now() }, key.signer)
    const outsiders = [testSigner('mallory-1'), testSigner('mallory-2')].sort((a, b) => (a.orgId < b.orgId ? -1 : 1))
    const byOutsiders = encodeRecord(verdictKind, { v: 1, outcome: 'breach', attestation: attestation.bytes, dispute: dispute.bytes, votes: outsiders.map((signer) => voteBy({ orgId: signer.orgId, signer }).bytes) })
    const tooFew = encodeRecord(verdictKind, { v: 1, outcome: 'breach', attestation: attestation.bytes, dispute: dispute.bytes, votes: [voteBy(node(ARBITERS[0] as number).key).bytes] })
    assert.throws(() => buildVerdict(attestation, dispute, [voteBy(node(ARBITERS[0] as number).key)]), /quorum/)
    // A verdict about a commitment nobody signed: its attestation carries a forged party signature.
    const unknownCommitment = encodeRecord(verdictKind, { v: 1, outcome: 'breach', attestation: oneSig.bytes, dispute: dispute.bytes, votes: arbiters().slice(0, 2).map((a) => a.key).sort((a, b) => (a.orgId < b.orgId ? -1 : 1)).map((k) => voteBy(k).bytes) })
    const forged = [
      { kind: 'receipt', record: selfReceipt, reason: 'RECEIPT_NOT_BENEFICIARY' },
      { kind: 'attestation', record: oneSig, reason: 'RECORD_SIGNATURE_INVALID' },
      { kind: 'verdict', record: byOutsiders, reason: 'RECORD_INVALID' },
      { kind: 'verdict', record: tooFew, reason: 'RECORD_INVALID' },
      { kind: 'verdict', record: unknownCommitment, reason: 'RECORD_SIGNATURE_INVALID' }
    ]
    const mallory = node(VENDOR_A)
    for (const f of forged) await mallory.peer.services.pubsub.publish(topicFor('devnet', f.kind), f.record.bytes)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    for (const n of net.nodes) {
      for (const f of forged) {
        const judged = await n.records.check(f.kind, f.record.bytes)
        assert.equal(judged.verdict, 'reject', `${f.kind} on ${n.key.orgId}`)
        assert.equal((judged as { reason: string }).reason, f.reason)
        assert.equal(await n.log.getBlock(f.record.cid), undefined, `${f.kind} never stored`)
      }
    }
  })

  it('two nodes compute the same scores for one observer from their own logs (verdict variants included)', async () => {
    const observer = node(BUYER).key.orgId
    const clock = new ManualClock(Date.now())
    const viewFrom = async (n: AspNode): Promise<unknown> => {
      const reputation = new NodeReputation(observer, n.config.reputation, clock)
      for await (const { kind, record } of recordsIn(n.log, new Set(PUBLIC_KINDS))) reputation.add(kind, record)
      return reputation.table()
    }
    // Both may hold different verdict records of one dispute (different quorums of its votes): the
    // scores must not depend on which.
    let last = ''
    await eventually('the same table from both logs', async () => {
      const [a, b] = [JSON.stringify(await viewFrom(node(ARBITERS[0] as number))), JSON.stringify(await viewFrom(node(BUYER)))]
      last = `${a}\n${b}`
      return a === b
    }).catch((err: Error) => { throw new Error(`${err.message}:\n${last}`) })
  })

  it('asp reputation prints the observer\'s table and one subject\'s breakdown, from the running node or from a stopped one\'s log', async () => {
    const vendorB = node(VENDOR_B).key.orgId
    const table = JSON.parse((await exec(process.execPath, [cliPath, 'reputation', '--data-dir', net.dir(BUYER), '--json'])).stdout) as { observer: string, subjects: Array<{ subject: string, breached: number }> }
    assert.equal(table.observer, node(BUYER).key.orgId)
    // Vendor B missed every delivery (the broken, restart and careful-arbiter cases).
    const breached = node(BUYER).reputation.score(vendorB)?.breached
    assert.equal(breached, 3)
    assert.equal(table.subjects.find((s) => s.subject === vendorB)?.breached, breached)
    const text = (await exec(process.execPath, [cliPath, 'reputation', '--data-dir', net.dir(BUYER)])).stdout
    assert.match(text, /SUBJECT\s+DEALS\s+HONORED\s+BREACHED\s+DISPUTES\s+SCORE/)
    assert.match(text, new RegExp(`${vendorB}\\s+3\\s+0\\s+3\\s+`))
    const listed = JSON.parse((await exec(process.execPath, [cliPath, 'commitments', 'list', '--data-dir', net.dir(BUYER), '--json'])).stdout) as { commitments: Array<{ outcome: string, party: boolean }> }
    assert.ok(listed.commitments.some((c) => c.outcome === 'honored' && c.party))
    assert.ok(listed.commitments.some((c) => c.outcome === 'breached' && c.party))
    const disputes = JSON.parse((await exec(process.execPath, [cliPath, 'disputes', 'list', '--data-dir', net.dir(BUYER), '--json'])).stdout) as { disputes: Array<{ verdicts: Array<{ outcome: string }> }> }
    assert.ok(disputes.disputes.some((d) => d.verdicts.some((v) => v.outcome === 'dismissed')))
    await node(VENDOR_A).stop()
    const offline = JSON.parse((await exec(process.execPath, [cliPath, 'reputation', vendorB, '--data-dir', net.dir(VENDOR_A), '--json'])).stdout) as { subject: string, breached: number, breakdown: unknown }
    assert.equal(offline.subject, vendorB)
    assert.equal(offline.breached, 3)
    assert.ok(offline.breakdown !== undefined)
    await net.restart(VENDOR_A)
  })

  it('the exports of every node pass asp verify, verdicts and their quorum included, and an auditor recomputes the buyer\'s scores from them', async () => {
    const files: string[] = []
    for (const [i, n] of net.nodes.entries()) {
      const file = join(net.root, `export-${i}.car`)
      await exportLog(n.log, file)
      files.push(file)
    }
    const report = await verifyExports(files)
    assert.equal(report.ok, true, JSON.stringify(report.first))
    // An auditor holding the exports recomputes the buyer's view and finds what the buyer's node computes.
    const at = Date.now()
    const audited = JSON.parse((await exec(process.execPath, [cliPath, 'reputation', ...files.flatMap((f) => ['--export', f]), '--observer', node(BUYER).key.orgId, '--at', String(at), '--json'])).stdout) as { subjects: unknown[] }
    const own = new NodeReputation(node(BUYER).key.orgId, {}, new ManualClock(at))
    for await (const { kind, record } of recordsIn(node(BUYER).log, new Set(PUBLIC_KINDS))) own.add(kind, record)
    assert.deepEqual(audited.subjects, JSON.parse(JSON.stringify(own.table())))
    assert.equal(audited.subjects.length, 2, 'the two vendors')
  })
})
