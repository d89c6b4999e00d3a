import assert from 'node:assert/strict'
import fc from 'fast-check'
import { encode } from '../../src/records/codec.js'
import { withBytesField, withoutField } from '../../src/records/cbor-splice.js'

// IPLD values DAG-CBOR can hold (no floats: ASP schemas forbid them, and fast-check's doubles
// would include -0 and NaN, which DAG-CBOR refuses).
const ipld = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null), fc.boolean(), fc.maxSafeInteger(), fc.string(), fc.uint8Array({ maxLength: 80 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 })
  )
})).value

describe('withoutField: a field cut out of canonical bytes', () => {
  it('equals the canonical encoding of the value without that field', () => {
    fc.assert(fc.property(
      fc.dictionary(fc.string({ maxLength: 30 }), ipld, { maxKeys: 40 }),
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
      (fields, sig) => {
        const { sig: _drop, ...rest } = fields
        const bytes = encode({ ...rest, sig })
        assert.deepEqual(Buffer.from(withoutField(bytes, 'sig') ?? []), Buffer.from(encode(rest)))
      }
    ), { numRuns: 2000, seed: 42 })
  })

  it('withBytesField is its inverse: adding the field gives the canonical encoding of the whole', () => {
    fc.assert(fc.property(
      fc.dictionary(fc.string({ maxLength: 30 }), ipld, { maxKeys: 40 }),
      fc.uint8Array({ minLength: 0, maxLength: 100 }),
      (fields, sig) => {
        const { sig: _drop, ...rest } = fields
        assert.deepEqual(Buffer.from(withBytesField(encode(rest), 'sig', sig)), Buffer.from(encode({ ...rest, sig })))
      }
    ), { numRuns: 2000, seed: 43 })
  })

  it('is undefined when there is no such field or no map', () => {
    assert.equal(withoutField(encode({ a: 1 }), 'sig'), undefined)
    assert.equal(withoutField(encode([1, 2]), 'sig'), undefined)
    assert.equal(withoutField(encode('sig'), 'sig'), undefined)
  })
})
