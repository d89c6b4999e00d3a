// Attestations as the network gossips them (dual-signed by two orgs of a pool, naming three arbiters),
// and the rate at which one node checks them and takes them into its log.
import { attestationKind, type Attestation } from '../../src/commitments/attestation-kind.js'
import type { PublicRecords } from '../../src/gossip/public-records.js'
import { cidOf, encode } from '../../src/records/codec.js'
import { decodeRecord, domainSeparated, encodeRecord, type SignedRecord } from '../../src/records/record.js'
import { agreementId, type Agreement } from '../../src/session/agreement.js'
import { COMMITMENT_DOMAIN } from '../../src/session/commitment-kind.js'
import { testSigner } from '../../test/helpers/keys.js'

/** `count` distinct attestations between orgs of a pool of `orgs` (the verifier's key cache holds them all when orgs <= 4096). */
export function makeAttestations (count: number, orgs: number, seed = 'bench'): Array<SignedRecord<Attestation>> {
  if (orgs < 5) throw new RangeError('at least 5 orgs: three arbiters and two parties')
  const pool = Array.from({ length: orgs }, (_, i) => testSigner(`${seed}-org-${i}`))
  const arbiters = pool.slice(0, 3).map((s) => s.orgId)
  const now = Date.now()
  return Array.from({ length: count }, (_, i) => {
    // Two different orgs of the pool (not the arbiters): an offset of 1..m-1 never lands on the same one.
    const m = orgs - 3
    const a = pool[3 + (i % m)]!
    const b = pool[3 + ((i + 1 + ((i * 7) % (m - 1))) % m)]!
    const agreement: Agreement = {
      v: 1,
      deal: cidOf(encode({ seed, i })),
      parties: { initiator: a.orgId, responder: b.orgId },
      obligations: [
        { id: 'deliver', obligor: b.orgId, beneficiary: a.orgId, dueBy: now + 86_400_000 },
        { id: 'pay', obligor: a.orgId, beneficiary: b.orgId, dueBy: now + 2 * 86_400_000 }
      ],
      arbiters,
      quorum: 2,
      valueClass: 4,
      at: now + i
    }
    const message = domainSeparated(COMMITMENT_DOMAIN, agreementId(agreement).bytes)
    return encodeRecord(attestationKind, { v: 1, agreement, sigs: { initiator: a.sign(message), responder: b.sign(message) } })
  })
}

/** Synchronous decode and verify (size, canonical CBOR, schema, both signatures, agreement rules), per second. */
export function decodeRate (list: Array<SignedRecord<Attestation>>, ms: number): number {
  const start = performance.now()
  let n = 0
  while (performance.now() - start < ms) {
    for (let i = 0; i < 50; i++) decodeRecord(attestationKind, list[(n + i) % list.length]!.bytes)
    n += 50
  }
  return n / ((performance.now() - start) / 1000)
}

/**
 * Runs `list` through the node with `inFlight` at a time, per second: PublicRecords.check (what the
 * gossip validator awaits), then with `store` also accept (the durable log append, and the node's
 * listeners: consequence book, reputation view). Every record must come out accepted.
 */
export async function nodeRate (records: PublicRecords, list: Array<SignedRecord<Attestation>>, inFlight: number, store: boolean): Promise<number> {
  let next = 0
  const t = performance.now()
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < list.length) {
      const record = list[next++]!
      const judged = await records.check('attestation', record.bytes)
      if (judged.verdict !== 'accept') throw new Error(`attestation ${record.cid.toString()}: ${judged.verdict} ${(judged as { reason: string }).reason}`)
      if (store && !await records.accept('attestation', judged.record)) throw new Error(`attestation ${record.cid.toString()} was stored already`)
    }
  }))
  return list.length / ((performance.now() - t) / 1000)
}

/** Bare node:crypto Ed25519 signs per second on this thread (a log entry costs one). */
export function rawSignRate (ms: number): number {
  const signer = testSigner('bench-raw-sign')
  const message = new Uint8Array(300).fill(5)
  const start = performance.now()
  let n = 0
  while (performance.now() - start < ms) {
    for (let i = 0; i < 50; i++) signer.sign(message)
    n += 50
  }
  return n / ((performance.now() - start) / 1000)
}
