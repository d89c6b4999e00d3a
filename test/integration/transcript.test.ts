import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { verifyExports } from '../../src/audit/verify.js'
import { exportLog } from '../../src/log/export.js'
import { exportTranscript, TranscriptError } from '../../src/session/transcript-export.js'
import type { AspNode } from '../../src/node.js'
import { terms } from '../helpers/session-kit.js'
import { eventually, startNetwork, type TestNetwork } from '../helpers/network.js'
import { asp } from '../helpers/cli.js'
import { commitBody as commit } from '../helpers/deal-kit.js'



describe('session transcripts from two real nodes: export, verify, CLI', function () {
  this.timeout(120_000)
  let net: TestNetwork
  let buyer: AspNode
  let seller: AspNode
  let deal: string
  let open: string
  const file = (name: string): string => join(net.root, name)

  before(async () => {
    net = await startNetwork(2)
    ;[buyer, seller] = net.nodes as [AspNode, AspNode]
    await eventually('connected', () => buyer.peer.getPeers().length > 0)
    const t = terms({ arbiters: [], quorum: 0 })
    const s = await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'REQUEST', body: { capability: 'sell:gpu-hours', description: '500 GPU hours by Friday' } })
    deal = s.id
    await seller.sessions.send(deal, { type: 'PROPOSE', body: { terms: t } })
    await buyer.sessions.send(deal, { type: 'QUERY', body: { question: 'which GPUs?' } })
    await seller.sessions.send(deal, { type: 'INFORM', body: { text: 'A100 80GB' } })
    const offer = buyer.sessions.state(deal)!.liveOffer!.cid
    await buyer.sessions.send(deal, { type: 'COUNTER', body: { terms: { ...t, total: { amount: 1_800_000, currency: 'EUR' } } }, replyTo: offer })
    await seller.sessions.send(deal, { type: 'ACCEPT', body: { offer: seller.sessions.state(deal)!.liveOffer!.cid } })
    await seller.sessions.send(deal, { type: 'COMMIT', body: commit(seller, deal) })
    await buyer.sessions.send(deal, { type: 'COMMIT', body: commit(buyer, deal) })
    await buyer.sessions.send(deal, { type: 'CONFIRM', body: { obligation: 'deliver' } })
    await seller.sessions.send(deal, { type: 'CONFIRM', body: { obligation: 'pay' } })
    await seller.sessions.send(deal, { type: 'CLOSE', body: {} })
    open = (await buyer.sessions.open('procurement', { org: seller.key.orgId, agent: 'sales' }, { type: 'PROPOSE', body: { terms: t } })).id
  })

  after(async () => net?.stop())

  it('a whole deal exported by either party is the same file, and verifies clean alone and with both logs', async () => {
    const byBuyer = await exportTranscript(buyer.sessions.transcript(deal), buyer.sessions.commitment(deal), file('deal-buyer.car'))
    await exportTranscript(seller.sessions.transcript(deal), seller.sessions.commitment(deal), file('deal-seller.car'))
    assert.equal(byBuyer.messages, 11)
    assert.equal(byBuyer.phase, 'closed')
    assert.deepEqual(await readFile(file('deal-buyer.car')), await readFile(file('deal-seller.car')), 'both parties hold the same transcript')

    const alone = await verifyExports([file('deal-buyer.car')])
    assert.equal(alone.ok, true, JSON.stringify(alone.first))

    await exportLog(buyer.log, file('buyer-log.car'))
    await exportLog(seller.log, file('seller-log.car'))
    const report = await verifyExports([file('deal-buyer.car'), file('buyer-log.car'), file('seller-log.car')])
    assert.equal(report.ok, true, JSON.stringify(report.first))
    const t = report.files[0]
    assert.ok(t?.type === 'transcript')
    assert.equal(t.messages, 11)
    assert.equal(t.phase, 'closed')
    assert.equal(t.commitment, buyer.sessions.commitment(deal)?.cid.toString())
    assert.deepEqual(t.crossChecked, [file('buyer-log.car'), file('seller-log.car')])
    assert.deepEqual(t.parties, { initiator: { org: buyer.key.orgId, agent: 'procurement' }, responder: { org: seller.key.orgId, agent: 'sales' } })
  })

  it('an open session exports without a commitment; a committed one is refused without its commitment', async () => {
    const result = await exportTranscript(seller.sessions.transcript(open), seller.sessions.commitment(open), file('open.car'))
    assert.equal(result.phase, 'negotiating')
    assert.equal(result.commitment, null)
    assert.equal((await verifyExports([file('open.car')])).ok, true)
    await assert.rejects(exportTranscript(buyer.sessions.transcript(deal), undefined, file('nope.car')), (err: TranscriptError) => err.code === 'TRANSCRIPT_COMMITMENT')
    await assert.rejects(exportTranscript(buyer.sessions.transcript(open), buyer.sessions.commitment(deal), file('nope.car')), (err: TranscriptError) => err.code === 'TRANSCRIPT_COMMITMENT')
    await assert.rejects(exportTranscript([], undefined, file('nope.car')), (err: TranscriptError) => err.code === 'TRANSCRIPT_EMPTY')
    await assert.rejects(exportTranscript(buyer.sessions.transcript(deal).slice(1), buyer.sessions.commitment(deal), file('nope.car')), (err: TranscriptError) => err.code === 'TRANSCRIPT_INVALID')
  })

  it('asp sessions and asp session export read a stopped node\'s data dir; asp verify checks the result', async () => {
    await seller.stop()
    const dir = net.dir(1)
    const listed = await asp('sessions', '--data-dir', dir, '--json')
    assert.equal(listed.code, 0, listed.stderr)
    const sessions = JSON.parse(listed.stdout) as Array<{ session: string, phase: string, seq: number, initiator: { org: string, agent: string }, responder: { org: string }, commitment: string | null }>
    const d = sessions.find((s) => s.session === deal)
    assert.deepEqual({ phase: d?.phase, seq: d?.seq, initiator: d?.initiator, responder: d?.responder.org, commitment: d?.commitment },
      { phase: 'closed', seq: 11, initiator: { org: buyer.key.orgId, agent: 'procurement' }, responder: seller.key.orgId, commitment: buyer.sessions.commitment(deal)?.cid.toString() })
    assert.equal(sessions.find((s) => s.session === open)?.phase, 'negotiating')
    assert.match((await asp('sessions', '--data-dir', dir)).stdout, new RegExp(`${deal} closed`))

    const out = file('deal-cli.car')
    const exported = await asp('session', 'export', deal, '--data-dir', dir, '--out', out)
    assert.equal(exported.code, 0, exported.stderr)
    assert.deepEqual(await readFile(out), await readFile(file('deal-buyer.car')), 'the CLI writes the same file as the library')
    const verified = await asp('verify', out, file('buyer-log.car'), file('seller-log.car'), '--json')
    assert.equal(verified.code, 0, verified.stdout)
    assert.equal(JSON.parse(verified.stdout).files[0].type, 'transcript')

    const unknown = await asp('session', 'export', 'aaaaaaaaaaaaaaaaaaaaaaaaaa', '--data-dir', dir, '--out', file('x.car'))
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /TRANSCRIPT_NO_SESSION/)
    assert.equal((await asp('session', 'export', deal, '--data-dir', dir)).code, 2, 'no --out: usage error')

    // One byte of the transcript changed: exit status 1, the code and the message named.
    const bytes = Uint8Array.from(await readFile(out))
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 0x01
    await writeFile(file('tampered.car'), bytes)
    const bad = await asp('verify', file('tampered.car'))
    assert.equal(bad.code, 1)
    assert.match(bad.stdout, /FAIL .*tampered\.car: transcript of session/)
    assert.match(bad.stdout, /invalid: EXPORT_BLOCK_HASH_MISMATCH at the blocks after the messages of .*tampered\.car \(block 12\)/)
  })
})
