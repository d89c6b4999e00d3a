import assert from 'node:assert/strict'
import fc from 'fast-check'
import * as Digest from 'multiformats/hashes/digest'
import { ChainSigner } from '../../src/log/chain-signer.js'
import { PLACEHOLDER_DIGEST, placeholderAt, signChain, type UnsignedLink } from '../../src/log/chain.js'
import { withBytesField } from '../../src/records/cbor-splice.js'
import { CID, cidOf, DAG_CBOR_CODE, encode, SHA2_256_CODE } from '../../src/records/codec.js'
import { entryKind } from '../../src/records/kinds/index.js'
import { decodeRecord, domainSeparated } from '../../src/records/record.js'
import { testSigner } from '../helpers/keys.js'

const alice = testSigner('alice')
const DOMAIN = domainSeparated(entryKind.name, new Uint8Array(0))
const PLACEHOLDER = CID.createV1(DAG_CBOR_CODE, Digest.create(SHA2_256_CODE, PLACEHOLDER_DIGEST))
const first = cidOf(encode({ any: 'entry before the batch' }))

function unsigned (seq: number, prev: CID, text: string): Record<string, unknown> {
  return { v: 1, author: alice.orgId, seq, prev, ts: 1_700_000_000_000 + seq, kind: 'note', body: { text } }
}

/** The batch as the log encodes it: the first entry with its real prev, the others with the placeholder. */
function links (texts: string[]): UnsignedLink[] {
  return texts.map((text, i) => {
    const bytes = encode(unsigned(i + 5, i === 0 ? first : PLACEHOLDER, text))
    return { bytes, prevAt: i === 0 ? -1 : placeholderAt(bytes) }
  })
}

/** The same entries made one by one, the plain way: encode with the real prev, sign, add the signature. */
function oneByOne (texts: string[]): Uint8Array[] {
  let prev = first
  return texts.map((text, i) => {
    const bytes = encode(unsigned(i + 5, prev, text))
    const signed = withBytesField(bytes, 'sig', alice.sign(domainSeparated(entryKind.name, bytes)))
    prev = cidOf(signed)
    return signed
  })
}

describe('log entries signed as a chain', () => {
  it('gives exactly the bytes of entries made one by one, each a valid signed entry', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 8 }), (texts) => {
      const chained = signChain(links(texts), DOMAIN, alice.sign)
      assert.deepEqual(chained.map((l) => Buffer.from(l.bytes)), oneByOne(texts).map((b) => Buffer.from(b)))
      chained.forEach((link, i) => {
        const entry = decodeRecord(entryKind, link.bytes)
        assert.deepEqual(Buffer.from(link.digest), Buffer.from(entry.cid.multihash.digest))
        if (i > 0) assert.ok(entry.value.prev?.multihash.digest.every((b, j) => b === chained[i - 1]?.digest[j]))
      })
    }), { numRuns: 200, seed: 7 })
  })

  it('the worker thread signs the same bytes as this thread', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `entry ${i}`)
    const signer = new ChainSigner(alice, DOMAIN)
    try {
      const inWorker = await signer.sign(links(texts))
      assert.deepEqual(inWorker.map((l) => Buffer.from(l.bytes)), oneByOne(texts).map((b) => Buffer.from(b)))
      // A lone entry is signed here, with the same result.
      const [lone] = await signer.sign(links(['alone']))
      assert.deepEqual(Buffer.from(lone?.bytes ?? []), Buffer.from(oneByOne(['alone'])[0] ?? []))
    } finally {
      await signer.close()
    }
  })

  it('an entry that holds the placeholder digest twice has no placeholder position', () => {
    assert.ok(placeholderAt(encode(unsigned(2, PLACEHOLDER, 'plain'))) > 0)
    assert.equal(placeholderAt(encode({ ...unsigned(2, PLACEHOLDER, 'x'), body: { bytes: PLACEHOLDER_DIGEST } })), -1)
    assert.equal(placeholderAt(encode(unsigned(2, first, 'none'))), -1)
  })
})
