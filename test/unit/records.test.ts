import assert from 'node:assert/strict'
import * as dagCbor from '@ipld/dag-cbor'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { RecordError } from '../../src/errors.js'
import { CID, cidOf, decodeCanonical, encode, linksOf } from '../../src/records/codec.js'
import { signerFromSeed } from '../../src/records/ed25519.js'
import { agentCardKind, entryKind, headKind } from '../../src/records/kinds/index.js'
import { orgIdFromPublicKey, publicKeyOfOrg } from '../../src/records/org-id.js'
import { decodeRecord, encodeRecord, signingMessage, signRecord } from '../../src/records/record.js'
import { testSigner } from '../helpers/keys.js'

function code (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof RecordError, `expected a RecordError, got ${String(err)}`)
    return err.code
  }
  assert.fail('expected an error')
}

describe('records', () => {
  const alice = testSigner('alice')
  const bob = testSigner('bob')

  const card = () => signRecord(agentCardKind, {
    v: 1, org: alice.orgId, agent: 'sales', capabilities: ['sell:gpu-hours'], summary: 'GPU hours by the hour',
    addresses: ['/ip4/127.0.0.1/tcp/4001'], expires: 1_800_000_000_000, seq: 1
  }, alice)

  it('org ids are libp2p peer ids of the org key', async () => {
    const key = await generateKeyPair('Ed25519')
    const signer = signerFromSeed(key.raw.subarray(0, 32))
    const orgId = orgIdFromPublicKey(signer.publicKey)
    assert.equal(orgId, peerIdFromPrivateKey(key).toString())
    assert.deepEqual(publicKeyOfOrg(orgId), signer.publicKey)
  })

  it('refuses org ids that are not Ed25519 peer ids', () => {
    assert.equal(code(() => publicKeyOfOrg('QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N')), 'ORG_ID_INVALID')
    assert.equal(code(() => publicKeyOfOrg('not base58 0OIl')), 'ORG_ID_INVALID')
    assert.equal(code(() => publicKeyOfOrg('1' + alice.orgId)), 'ORG_ID_INVALID')
  })

  it('signs and decodes a record, whose CID is the hash of its canonical bytes', () => {
    const signed = card()
    const back = decodeRecord(agentCardKind, signed.bytes)
    assert.equal(back.cid.toString(), signed.cid.toString())
    assert.equal(back.cid.toString(), cidOf(encode(back.value)).toString())
    assert.deepEqual(back.value, signed.value)
  })

  it('checks cheapest first: size before decode before canonical form before schema before signature', () => {
    assert.equal(code(() => decodeRecord(headKind, new Uint8Array(2000).fill(0xff))), 'RECORD_TOO_LARGE')
    assert.equal(code(() => decodeRecord(headKind, Uint8Array.of(0xff, 0x00))), 'RECORD_DECODE_FAILED')
    // {b:1, a:2}: valid CBOR, keys out of DAG-CBOR order
    assert.equal(code(() => decodeRecord(headKind, Uint8Array.of(0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02))), 'RECORD_NOT_CANONICAL')
    assert.equal(code(() => decodeRecord(headKind, dagCbor.encode({ a: 1 }))), 'RECORD_SCHEMA_INVALID')
    const signed = card()
    const forged = encode({ ...signed.value, summary: 'something else' })
    assert.equal(code(() => decodeRecord(agentCardKind, forged)), 'RECORD_SIGNATURE_INVALID')
  })

  it('refuses unknown fields, floats and wrong types', () => {
    const signed = card()
    assert.equal(code(() => decodeRecord(agentCardKind, encode({ ...signed.value, extra: 1 }))), 'RECORD_SCHEMA_INVALID')
    assert.equal(code(() => decodeRecord(agentCardKind, encode({ ...signed.value, seq: 1.5 }))), 'RECORD_SCHEMA_INVALID')
    assert.equal(code(() => decodeRecord(agentCardKind, encode({ ...signed.value, org: bob.orgId.slice(0, -1) }))), 'RECORD_SCHEMA_INVALID')
  })

  it('a signature of one kind never verifies as another kind (domain separation)', () => {
    const unsigned = { v: 1 as const, author: alice.orgId, seq: 0, cid: null, ts: 5 }
    const asEntry = alice.sign(signingMessage('entry', unsigned))
    assert.equal(code(() => decodeRecord(headKind, encode({ ...unsigned, sig: asEntry }))), 'RECORD_SIGNATURE_INVALID')
    const asHead = alice.sign(signingMessage('head', unsigned))
    assert.doesNotThrow(() => decodeRecord(headKind, encode({ ...unsigned, sig: asHead })))
  })

  it('a record must be signed by the org it names', () => {
    assert.equal(code(() => signRecord(headKind, { v: 1, author: alice.orgId, seq: 0, cid: null, ts: 1 }, bob)), 'RECORD_SIGNATURE_INVALID')
  })

  it('entries: prev is null exactly at seq 1', () => {
    const c = card()
    const bad = { v: 1 as const, author: alice.orgId, seq: 2, prev: null, ts: 1, kind: 'note', body: { text: 'x' } }
    assert.equal(code(() => signRecord(entryKind, bad, alice)), 'RECORD_SCHEMA_INVALID')
    assert.equal(code(() => signRecord(entryKind, { ...bad, seq: 1, prev: c.cid }, alice)), 'RECORD_SCHEMA_INVALID')
  })

  it('decodeCanonical and encodeRecord agree on bytes', () => {
    const signed = card()
    assert.deepEqual(encode(decodeCanonical(signed.bytes)), signed.bytes)
    assert.deepEqual(encodeRecord(agentCardKind, signed.value).bytes, signed.bytes)
  })

  it('refuses records nested deeper than the limit before decoding them, whatever the thread', () => {
    let deep: unknown = 'bottom'
    for (let i = 0; i < 100; i++) deep = [deep]
    const unsigned = { v: 1 as const, author: alice.orgId, seq: 1, prev: null, ts: 1, kind: 'future-kind', body: deep }
    const bytes = encode({ ...unsigned, sig: alice.sign(signingMessage('entry', unsigned)) })
    assert.equal(code(() => decodeRecord(entryKind, bytes)), 'RECORD_DECODE_FAILED')
    let shallow: unknown = 'bottom'
    for (let i = 0; i < 40; i++) shallow = [shallow]
    const ok = { ...unsigned, body: shallow }
    assert.doesNotThrow(() => decodeRecord(entryKind, encode({ ...ok, sig: alice.sign(signingMessage('entry', ok)) })))
  })

  it('links must name records: CIDv1, dag-cbor, sha2-256', () => {
    const raw = CID.createV1(0x55, cidOf(Uint8Array.of(1)).multihash)
    assert.equal(code(() => signRecord(entryKind, { v: 1, author: alice.orgId, seq: 2, prev: raw, ts: 1, kind: 'note', body: { text: 'x' } }, alice)), 'RECORD_SCHEMA_INVALID')
  })

  it('linksOf lists CID links in DAG-CBOR key order', () => {
    const a = cidOf(Uint8Array.of(1))
    const b = cidOf(Uint8Array.of(2))
    assert.deepEqual(linksOf({ zz: a, b: [b, { x: a }] }).map(String), [b, a, a].map(String))
  })
})
