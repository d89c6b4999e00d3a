import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { verifyExports } from '../../src/audit/verify.js'
import { transcriptCarBytes, transcriptLayout } from '../../src/session/transcript-export.js'
import { Negotiation } from '../../scripts/vectors/negotiation.js'
import { SESSION_ID, signers, terms } from '../helpers/session-kit.js'
import { tempDir } from '../helpers/tmp.js'

const T0 = 1_700_000_000_000

describe('tamper detection: every flipped byte of a transcript export is caught', function () {
  this.timeout(300_000)
  let dir: { path: string, remove: () => Promise<void> }
  let original: Uint8Array
  const now = T0 + 3_600_000

  before(async () => {
    dir = await tempDir()
    const n = new Negotiation(signers, SESSION_ID, T0)
    n.send('initiator', 'REQUEST', { capability: 'sell:gpu-hours', description: 'gpus' })
    const offer = n.send('responder', 'PROPOSE', { terms: terms({ arbiters: [], quorum: 0, obligations: [{ id: 'pay', obligor: 'initiator', what: 'pay', dueBy: T0 + 1 }] }) })
    n.send('initiator', 'ACCEPT', { offer: offer.cid })
    n.send('initiator', 'COMMIT', n.commitBody('initiator'))
    n.send('responder', 'COMMIT', n.commitBody('responder'))
    original = await transcriptCarBytes(transcriptLayout(n.messages, n.commitment()))
  })

  after(async () => dir.remove())

  for (const mask of [0xff, 0x01, 0x80]) {
    it(`xor 0x${mask.toString(16).padStart(2, '0')} at each byte`, async () => {
      const intact = join(dir.path, 'intact.car')
      await writeFile(intact, original)
      assert.equal((await verifyExports([intact], { now, threads: 0 })).ok, true)
      const file = join(dir.path, 'tampered.car')
      const missed: number[] = []
      const codes = new Set<string>()
      for (let i = 0; i < original.length; i++) {
        const copy = Uint8Array.from(original)
        copy[i] = (copy[i] as number) ^ mask
        await writeFile(file, copy)
        const report = await verifyExports([file], { now, threads: 0 })
        if (report.ok) missed.push(i)
        else codes.add(report.first?.code ?? '')
      }
      assert.deepEqual(missed, [], `undetected flips at offsets ${missed.join(', ')} of ${original.length}`)
      assert.ok(codes.size >= 3, `several kinds of findings expected, got ${[...codes].join(', ')}`)
    })
  }
})
