import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { verifyExports } from '../../src/audit/verify.js'
import { headKind } from '../../src/records/kinds/index.js'
import { decodeRecord } from '../../src/records/record.js'
import { operatorClient } from '../helpers/api-kit.js'
import { startNetwork, type TestNetwork } from '../helpers/network.js'

describe('API: the log, for the operator', function () {
  this.timeout(60_000)
  let net: TestNetwork

  before(async () => {
    net = await startNetwork(1)
    for (let i = 0; i < 5; i++) await net.nodes[0]!.log.append('note', { text: `note ${i}` })
  })

  after(async () => net?.stop())

  it('head (signed), entries page by page, and an export that verifies offline', async () => {
    const op = await operatorClient(net, 0)
    const node = net.nodes[0]!
    const head = await op.call('logHead', {})
    assert.equal(head.seq, node.log.head().seq)
    assert.equal(head.org, node.key.orgId)
    const signed = decodeRecord(headKind, Buffer.from(head.signed.record, 'base64'))
    assert.equal(signed.value.seq, head.seq)
    assert.equal(signed.cid.toString(), head.signed.cid)

    const seen: number[] = []
    let from: number | null = 1
    while (from !== null) {
      const page: Awaited<ReturnType<typeof op.call<'logEntries'>>> = await op.call('logEntries', { query: { from, limit: 2 } })
      seen.push(...page.entries.map((e) => e.seq))
      from = page.next
    }
    assert.deepEqual(seen, Array.from({ length: head.seq }, (_, i) => i + 1))
    const notes = (await op.call('logEntries', { query: { from: 2, limit: 5 } })).entries
    assert.deepEqual(notes.map((e) => [e.kind, (e.body as { text: string }).text]), [0, 1, 2, 3, 4].map((i) => ['note', `note ${i}`]))

    const res = await fetch(`${node.apiUrl as string}/v1/log/export`, { headers: { authorization: `Bearer ${(op as unknown as { token: string }).token}` } })
    assert.equal(res.headers.get('content-type'), 'application/vnd.ipld.car')
    const file = join(net.root, 'export.car')
    await writeFile(file, Buffer.from(await res.arrayBuffer()))
    const report = await verifyExports([file])
    assert.equal(report.ok, true, JSON.stringify(report.first))
    assert.equal(report.files[0]?.type === 'log' && report.files[0].entries, head.seq)
  })
})
