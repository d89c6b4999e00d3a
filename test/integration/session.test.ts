import assert from 'node:assert/strict'
import { join } from 'node:path'
import { verifyExports } from '../../src/audit/verify.js'
import { exportLog } from '../../src/log/export.js'
import { request, type NetError } from '../../src/net/rpc.js'
import { decodeRecord, signRecord } from '../../src/records/record.js'
import { commitmentKind } from '../../src/session/commitment-kind.js'
import { SessionError } from '../../src/session/machine.js'
import { SESSION_PROTOCOL, type SessionManager } from '../../src/session/manager.js'
import { sessionMessageKind } from '../../src/session/message-kind.js'
import type { AspNode } from '../../src/node.js'
import { terms } from '../helpers/session-kit.js'
import { testSigner } from '../helpers/keys.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'
import { commitBody as commit } from '../helpers/deal-kit.js'

const cids = (m: SessionManager, session: string): string[] => m.transcript(session).map((x) => x.cid.toString())

describe('negotiation sessions between two real nodes (/asp/session/1.0.0)', function () {
  this.timeout(120_000)
  let net: TestNetwork
  let buyer: AspNode
  let seller: AspNode

  before(async () => {
    net = await startNetwork(2)
    ;[buyer, seller] = net.nodes as [AspNode, AspNode]
    await eventually('connected', () => buyer.peer.getPeers().length > 0)
  })

  after(async () => net?.stop())

  it('a whole deal: both logs hold the identical transcript, and both exports verify', async () => {
    const t = terms({ arbiters: [], quorum: 0 })
    let s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: '500 GPU hours by Friday' } })
    const id = s.id
    await seller.sessions.send(id, { type: 'PROPOSE', body: { terms: t } })
    await buyer.sessions.send(id, { type: 'QUERY', body: { question: 'which GPUs?' } })
    await seller.sessions.send(id, { type: 'INFORM', body: { text: 'A100 80GB' } })
    const offer = buyer.sessions.state(id)!.liveOffer!.cid
    await buyer.sessions.send(id, { type: 'COUNTER', body: { terms: { ...t, total: { amount: 1_800_000, currency: 'EUR' } } }, replyTo: offer })
    await seller.sessions.send(id, { type: 'ACCEPT', body: { offer: seller.sessions.state(id)!.liveOffer!.cid } })
    await seller.sessions.send(id, { type: 'COMMIT', body: commit(seller, id) })
    s = await buyer.sessions.send(id, { type: 'COMMIT', body: commit(buyer, id) })
    assert.equal(s.phase, 'committed')
    // The same dual-signed commitment, in both logs, and it verifies as a record.
    const commitment = buyer.sessions.commitment(id)!
    assert.equal(commitment.cid.toString(), seller.sessions.commitment(id)?.cid.toString())
    for (const node of [buyer, seller]) assert.deepEqual(Buffer.from(await node.log.getBlock(commitment.cid) ?? []), Buffer.from(commitment.bytes))
    assert.doesNotThrow(() => decodeRecord(commitmentKind, commitment.bytes))
    await buyer.sessions.send(id, { type: 'CONFIRM', body: { obligation: 'deliver' } })
    await seller.sessions.send(id, { type: 'CONFIRM', body: { obligation: 'pay' } })
    s = await seller.sessions.send(id, { type: 'CLOSE', body: {} })
    assert.equal(s.phase, 'closed')
    assert.deepEqual(cids(buyer.sessions, id), cids(seller.sessions, id))
    assert.equal(cids(buyer.sessions, id).length, 11)
    assert.equal(buyer.sessions.state(id)?.phase, 'closed')
    const committed = buyer.sessions.state(id)!.agreement!.cid.toString()
    await eventually('both receipts on both nodes', () => [buyer, seller].every((n) => n.consequences.status(committed)?.every((o) => o.status === 'honored') === true))
    for (const node of [buyer, seller]) {
      const file = join(net.root, `${node.key.orgId}.car`)
      await exportLog(node.log, file)
      const report = await verifyExports([file])
      assert.equal(report.ok, true, JSON.stringify(report.first))
      assert.equal(report.files[0]?.type === 'log' && report.files[0].recordsChecked, 15, 'eleven messages, the commitment, its attestation and two receipts')
    }
  })

  it('refusals come back typed and change nothing on either side', async () => {
    const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'PROPOSE', body: { terms: terms({ arbiters: [], quorum: 0 }) } })
    const before = cids(seller.sessions, s.id)
    await assert.rejects(buyer.sessions.send(s.id, { type: 'ACCEPT', body: { offer: s.liveOffer!.cid } }), (err: SessionError) => err.code === 'SESSION_OWN_OFFER')
    await assert.rejects(seller.sessions.send(s.id, { type: 'CLOSE', body: {} }), (err: SessionError) => err.code === 'SESSION_NOT_ALLOWED')
    assert.deepEqual(cids(seller.sessions, s.id), before)
    assert.deepEqual(cids(buyer.sessions, s.id), before)
  })

  it('a hostile peer: a message signed by another org than the sender, and a resend, are handled', async () => {
    const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'QUERY', body: { question: 'capacity?' } })
    const mallory = testSigner('mallory')
    const forged = signRecord(sessionMessageKind, { v: 1, type: 'INFORM', session: s.id, seq: 2, prev: s.head, from: { org: mallory.orgId, agent: 'x' }, to: { org: seller.key.orgId, agent: 'sales' }, ts: Date.now(), body: { text: 'hi' } }, mallory)
    await assert.rejects(request(buyer.peer, seller.peerId, SESSION_PROTOCOL, { message: forged.bytes }, buyer.config.net),
      (err: NetError) => err.details.remoteCode === 'SESSION_WRONG_PEER')
    // The buyer's first message again: acknowledged, delivered once.
    const first = buyer.sessions.transcript(s.id)[0]!
    const again = await request(buyer.peer, seller.peerId, SESSION_PROTOCOL, { message: first.bytes }, buyer.config.net) as { cid: string }
    assert.equal(again.cid, first.cid.toString())
    assert.equal(seller.sessions.transcript(s.id).length, 1)
  })

  it('both sides sending at the same seq: the initiator\'s message wins, and the transcripts stay equal', async () => {
    const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'QUERY', body: { question: 'race?' } })
    for (let round = 0; round < 10; round++) {
      const results = await Promise.allSettled([
        buyer.sessions.send(s.id, { type: 'INFORM', body: { text: `buyer ${round}` } }),
        seller.sessions.send(s.id, { type: 'INFORM', body: { text: `seller ${round}` } })
      ])
      assert.ok(results.some((r) => r.status === 'fulfilled'), 'at least one message goes through')
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(['SESSION_CONFLICT', 'SESSION_SEQ', 'SESSION_PREV'].includes((r.reason as SessionError).code), String(r.reason))
      }
      assert.deepEqual(cids(buyer.sessions, s.id), cids(seller.sessions, s.id))
    }
  })

  it('ESCALATE blocks the escalating side until its human approves; DELEGATE changes the speaker', async () => {
    const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: 'big order' } })
    await buyer.sessions.send(s.id, { type: 'ESCALATE', body: { reason: 'over the approval threshold' } })
    assert.equal(seller.sessions.state(s.id)?.waitingOn, 'initiator')
    await assert.rejects(buyer.sessions.send(s.id, { type: 'INFORM', body: { text: 'still here' } }), (err: SessionError) => err.code === 'SESSION_AWAITING_APPROVAL')
    buyer.sessions.approve(s.id)
    await buyer.sessions.send(s.id, { type: 'INFORM', body: { text: 'approved' } })
    assert.equal(seller.sessions.state(s.id)?.waitingOn, null)
    await seller.sessions.send(s.id, { type: 'DELEGATE', body: { agent: 'sales-lead' } })
    assert.equal(buyer.sessions.state(s.id)?.speakers.responder, 'sales-lead')
  })

  it('a node restarted mid-negotiation rebuilds its sessions from the log and continues', async () => {
    const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'PROPOSE', body: { terms: terms({ arbiters: [], quorum: 0 }) } })
    seller = await net.restart(1)
    await eventually('reconnected', () => seller.peer.getPeers().length > 0 || buyer.peer.getPeers().length > 0)
    assert.equal(seller.sessions.state(s.id)?.liveOffer?.cid.toString(), s.liveOffer?.cid.toString())
    await seller.sessions.send(s.id, { type: 'ACCEPT', body: { offer: s.liveOffer!.cid } })
    assert.equal(buyer.sessions.state(s.id)?.phase, 'accepted')
  })
})
