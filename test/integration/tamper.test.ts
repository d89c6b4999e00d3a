import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { verifyExports } from '../../src/audit/verify.js'
import { ManualClock } from '../../src/clock.js'
import { exportLog } from '../../src/log/export.js'
import { Log } from '../../src/log/log.js'
import { agentCardKind } from '../../src/records/kinds/index.js'
import { signRecord } from '../../src/records/record.js'
import { testSigner } from '../helpers/keys.js'
import { tempDir } from '../helpers/tmp.js'

describe('tamper detection: every flipped byte of an export is caught', function () {
  this.timeout(300_000)
  let dir: { path: string, remove: () => Promise<void> }
  let original: Uint8Array
  const clock = new ManualClock()

  before(async () => {
    dir = await tempDir()
    const alice = testSigner('alice')
    const log = await Log.open(join(dir.path, 'log'), alice, { clock })
    await log.append('genesis', { network: 'devnet', software: 'test' })
    const card = signRecord(agentCardKind, { v: 1, org: alice.orgId, agent: 'sales', capabilities: ['sell:gpu-hours'], summary: 's', addresses: [], expires: 1, seq: 1 }, alice)
    await log.append('record', { kind: 'agent-card', record: card.cid }, [card])
    await log.append('note', { text: 'three' })
    await exportLog(log, join(dir.path, 'small.car'))
    await log.close()
    original = await readFile(join(dir.path, 'small.car'))
  })

  after(async () => dir.remove())

  for (const mask of [0xff, 0x01, 0x80]) {
    it(`xor 0x${mask.toString(16).padStart(2, '0')} at each byte`, async () => {
      assert.equal((await verifyExports([join(dir.path, 'small.car')], { now: clock.now(), threads: 0 })).ok, true)
      const file = join(dir.path, 'tampered.car')
      const missed: number[] = []
      const codes = new Set<string>()
      for (let i = 0; i < original.length; i++) {
        const copy = Uint8Array.from(original)
        copy[i] = (copy[i] as number) ^ mask
        await writeFile(file, copy)
        const report = await verifyExports([file], { now: clock.now(), threads: 0 })
        if (report.ok) missed.push(i)
        else codes.add(report.first?.code ?? '')
      }
      assert.deepEqual(missed, [], `undetected flips at offsets ${missed.join(', ')} of ${original.length}`)
      assert.ok(codes.size >= 3, `several kinds of findings expected, got ${[...codes].join(', ')}`)
    })
  }
})
