import assert from 'node:assert/strict'
import fc from 'fast-check'
import { CID, cidOf } from '../../src/records/codec.js'
import { verify } from '../../src/records/ed25519.js'
import { apply, open, SessionError } from '../../src/session/machine.js'
import { MESSAGE_TYPES, type Body, type MessageType } from '../../src/session/message-types.js'
import type { Phase, Role, SessionState } from '../../src/session/state.js'
import { TABLE } from '../../src/session/table.js'
import { commitBody, message, terms, type Draft } from '../helpers/session-kit.js'

function step (state: SessionState | undefined, draft: Draft): SessionState {
  const m = message(state, draft)
  return state === undefined ? open(m.value, m.cid) : apply(state, m.value, m.cid, verify)
}

function run (drafts: Array<Draft | ((s: SessionState) => Draft)>): SessionState {
  let state: SessionState | undefined
  for (const d of drafts) state = step(state, typeof d === 'function' ? d(state as SessionState) : d)
  return state as SessionState
}

/** A comparable picture of a state: CIDs and bytes as strings. */
function snapshot (state: SessionState): string {
  return JSON.stringify(state, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
    const cid = CID.asCID(value)
    return cid !== null ? cid.toString() : value
  })
}

function refusal (state: SessionState, draft: Draft): string {
  const before = snapshot(state)
  try {
    step(state, draft)
  } catch (err) {
    assert.ok(err instanceof SessionError, String(err))
    assert.equal(snapshot(state), before, 'a refused message changes nothing')
    return err.code
  }
  return 'accepted'
}

const anyCid = cidOf(Uint8Array.of(9))
const sampleBody: { [K in MessageType]: Body<K> } = {
  REQUEST: { capability: 'sell:gpu-hours', description: '500 GPU hours by Friday' },
  QUERY: { question: 'which GPUs?' },
  INFORM: { text: 'A100 80GB' },
  PROPOSE: { terms: terms() },
  COUNTER: { terms: terms({ total: { amount: 1_800_000, currency: 'EUR' } }) },
  ACCEPT: { offer: anyCid },
  REJECT: {},
  CANCEL: {},
  COMMIT: { agreement: anyCid, sig: new Uint8Array(64) },
  CONFIRM: { obligation: 'deliver' },
  ESCALATE: {},
  DELEGATE: { agent: 'sales-2' },
  CLOSE: {}
}

const opening: Draft = { type: 'REQUEST', from: 'initiator', body: sampleBody.REQUEST }
const proposed = (): SessionState => run([opening, { type: 'PROPOSE', from: 'responder', body: { terms: terms() } }])
const accepted = (): SessionState => run([opening, { type: 'PROPOSE', from: 'responder', body: { terms: terms() } },
  (s) => ({ type: 'ACCEPT', from: 'initiator', body: { offer: s.liveOffer!.cid } })])
const committed = (): SessionState => run([opening, { type: 'PROPOSE', from: 'responder', body: { terms: terms() } },
  (s) => ({ type: 'ACCEPT', from: 'initiator', body: { offer: s.liveOffer!.cid } }),
  (s) => ({ type: 'COMMIT', from: 'initiator', body: commitBody(s, 'initiator') }),
  (s) => ({ type: 'COMMIT', from: 'responder', body: commitBody(s, 'responder') })])

describe('session state machine', () => {
  it('a whole deal: REQUEST, PROPOSE, QUERY/INFORM, COUNTER, ACCEPT, COMMIT x2, CONFIRM x2, CLOSE', () => {
    let s = run([opening, { type: 'PROPOSE', from: 'responder', body: { terms: terms() } }])
    const offer = s.liveOffer!.cid
    s = step(s, { type: 'QUERY', from: 'initiator', body: { question: 'which GPUs?' } })
    s = step(s, { type: 'INFORM', from: 'responder', body: { text: 'A100 80GB' }, replyTo: s.head })
    s = step(s, { type: 'COUNTER', from: 'initiator', body: { terms: terms({ total: { amount: 1_800_000, currency: 'EUR' } }) }, replyTo: offer })
    assert.equal(s.liveOffer?.by, 'initiator')
    s = step(s, { type: 'ACCEPT', from: 'responder', body: { offer: s.liveOffer!.cid } })
    assert.equal(s.phase, 'accepted')
    assert.equal(s.agreement?.deal.terms.total.amount, 1_800_000)
    s = step(s, { type: 'COMMIT', from: 'responder', body: commitBody(s, 'responder') })
    assert.equal(s.phase, 'accepted')
    s = step(s, { type: 'COMMIT', from: 'initiator', body: commitBody(s, 'initiator') })
    assert.equal(s.phase, 'committed')
    assert.equal(refusal(s, { type: 'CLOSE', from: 'initiator', body: {} }), 'SESSION_OBLIGATIONS_OPEN')
    s = step(s, { type: 'CONFIRM', from: 'initiator', body: { obligation: 'deliver' } })
    s = step(s, { type: 'CONFIRM', from: 'responder', body: { obligation: 'pay' } })
    assert.equal(s.phase, 'fulfilled')
    s = step(s, { type: 'CLOSE', from: 'responder', body: {} })
    assert.equal(s.phase, 'closed')
    assert.equal(s.seq, 11)
  })

  describe('every type is refused where the table forbids it, and the session is unchanged', () => {
    const states: Array<[Phase, () => SessionState]> = [
      ['negotiating', proposed],
      ['accepted', accepted],
      ['committed', committed],
      ['fulfilled', () => step(step(committed(), { type: 'CONFIRM', from: 'initiator', body: { obligation: 'deliver' } }), { type: 'CONFIRM', from: 'responder', body: { obligation: 'pay' } })],
      ['rejected', () => step(proposed(), { type: 'REJECT', from: 'initiator', body: {} })],
      ['cancelled', () => step(accepted(), { type: 'CANCEL', from: 'responder', body: {} })],
      ['closed', () => step(step(proposed(), { type: 'REJECT', from: 'initiator', body: {} }), { type: 'CLOSE', from: 'responder', body: {} })]
    ]
    for (const [phase, make] of states) {
      it(phase, () => {
        const s = make()
        assert.equal(s.phase, phase)
        for (const type of MESSAGE_TYPES) {
          if (TABLE[phase][type] !== undefined) continue
          for (const from of ['initiator', 'responder'] as Role[]) {
            assert.equal(refusal(s, { type, from, body: sampleBody[type] as never }), 'SESSION_NOT_ALLOWED', `${type} by ${from} in ${phase}`)
          }
        }
      })
    }
  })

  it('refuses offers that are not live, not theirs to accept, or expired', () => {
    const s = proposed()
    assert.equal(refusal(s, { type: 'ACCEPT', from: 'initiator', body: { offer: anyCid } }), 'SESSION_STALE_OFFER')
    assert.equal(refusal(s, { type: 'ACCEPT', from: 'responder', body: { offer: s.liveOffer!.cid } }), 'SESSION_OWN_OFFER')
    assert.equal(refusal(s, { type: 'PROPOSE', from: 'initiator', body: { terms: terms() } }), 'SESSION_OFFER_LIVE')
    assert.equal(refusal(s, { type: 'COUNTER', from: 'responder', body: { terms: terms() }, replyTo: s.liveOffer!.cid }), 'SESSION_NO_LIVE_OFFER')
    assert.equal(refusal(s, { type: 'COUNTER', from: 'initiator', body: { terms: terms() }, replyTo: anyCid }), 'SESSION_STALE_OFFER')
    const expiring = step(run([opening]), { type: 'PROPOSE', from: 'responder', body: { terms: terms() }, expiresAt: 1_700_000_002_500 })
    assert.equal(refusal(expiring, { type: 'ACCEPT', from: 'initiator', body: { offer: expiring.liveOffer!.cid }, ts: 1_700_000_003_000 }), 'SESSION_OFFER_EXPIRED')
    // The ACCEPT of a stale offer, after a counter replaced it.
    const countered = step(s, { type: 'COUNTER', from: 'initiator', body: { terms: terms({ quantity: 400 }) }, replyTo: s.liveOffer!.cid })
    assert.equal(refusal(countered, { type: 'ACCEPT', from: 'initiator', body: { offer: s.liveOffer!.cid } }), 'SESSION_STALE_OFFER')
  })

  it('refuses a COMMIT over other terms, a forged COMMIT signature, and a second COMMIT', () => {
    const s = accepted()
    const other = commitBody(run([opening, { type: 'PROPOSE', from: 'responder', body: { terms: terms({ quantity: 1 }) } }, (x) => ({ type: 'ACCEPT', from: 'initiator', body: { offer: x.liveOffer!.cid } })]), 'initiator')
    assert.equal(refusal(s, { type: 'COMMIT', from: 'initiator', body: other }), 'SESSION_COMMIT_MISMATCH')
    const forged = { ...commitBody(s, 'initiator'), sig: commitBody(s, 'responder').sig }
    assert.equal(refusal(s, { type: 'COMMIT', from: 'initiator', body: forged }), 'SESSION_COMMIT_SIGNATURE')
    const once = step(s, { type: 'COMMIT', from: 'initiator', body: commitBody(s, 'initiator') })
    assert.equal(refusal(once, { type: 'COMMIT', from: 'initiator', body: commitBody(s, 'initiator') }), 'SESSION_ALREADY_COMMITTED')
  })

  it('only the beneficiary confirms an obligation, once', () => {
    const s = committed()
    assert.equal(refusal(s, { type: 'CONFIRM', from: 'responder', body: { obligation: 'deliver' } }), 'SESSION_NOT_BENEFICIARY')
    assert.equal(refusal(s, { type: 'CONFIRM', from: 'initiator', body: { obligation: 'nothing' } }), 'SESSION_UNKNOWN_OBLIGATION')
    const once = step(s, { type: 'CONFIRM', from: 'initiator', body: { obligation: 'deliver' } })
    assert.equal(refusal(once, { type: 'CONFIRM', from: 'initiator', body: { obligation: 'deliver' } }), 'SESSION_ALREADY_CONFIRMED')
  })

  it('DELEGATE changes who speaks; ESCALATE marks the side the other waits on until it speaks again', () => {
    let s = step(proposed(), { type: 'DELEGATE', from: 'responder', body: { agent: 'sales-2' } })
    assert.equal(s.speakers.responder, 'sales-2')
    assert.equal(refusal(s, { type: 'INFORM', from: 'responder', body: { text: 'old agent' }, agent: 'sales' }), 'SESSION_WRONG_AGENT')
    s = step(s, { type: 'ESCALATE', from: 'initiator', body: { reason: 'over the approval threshold' } })
    assert.equal(s.waitingOn, 'initiator')
    s = step(s, { type: 'INFORM', from: 'responder', body: { text: 'we wait' } })
    assert.equal(s.waitingOn, 'initiator')
    s = step(s, { type: 'ACCEPT', from: 'initiator', body: { offer: s.liveOffer!.cid } })
    assert.equal(s.waitingOn, null)
  })

  it('refuses replays, gaps, messages of another session and a wrong prev', () => {
    const s = proposed()
    const next = message(s, { type: 'QUERY', from: 'initiator', body: { question: 'q' } })
    const after = apply(s, next.value, next.cid, verify)
    const code = (f: () => unknown): string => { try { f(); return 'accepted' } catch (err) { return (err as SessionError).code } }
    assert.equal(code(() => apply(after, next.value, next.cid, verify)), 'SESSION_SEQ')
    assert.equal(code(() => apply(s, { ...next.value, seq: 4 }, next.cid, verify)), 'SESSION_SEQ')
    assert.equal(code(() => apply(s, { ...next.value, session: 'bbbbbbbbbbbbbbbbbbbbbbbbbb' }, next.cid, verify)), 'SESSION_WRONG_SESSION')
    assert.equal(code(() => apply(s, { ...next.value, prev: anyCid }, next.cid, verify)), 'SESSION_PREV')
  })

  it('property: random sequences from both sides never reach an invalid state, and refusals change nothing', () => {
    // Weighted toward the moves that advance a deal, so random walks also reach commitment and fulfilment.
    const weighted: MessageType[] = [...MESSAGE_TYPES, 'PROPOSE', 'ACCEPT', 'ACCEPT', 'COMMIT', 'COMMIT', 'COMMIT', 'COMMIT', 'CONFIRM', 'CONFIRM', 'CONFIRM', 'CONFIRM']
    // noBias: fast-check otherwise favours the first constants and small numbers.
    const draftArb = fc.record({
      type: fc.noBias(fc.nat(weighted.length - 1)).map((i: number) => weighted[i] as MessageType),
      from: fc.noBias(fc.boolean()).map((b: boolean): Role => (b ? 'initiator' : 'responder')),
      pick: fc.noBias(fc.nat(3))
    })
    const reached = new Set<Phase>()
    fc.assert(fc.property(fc.array(draftArb, { minLength: 1, maxLength: 60, size: 'max' }), (drafts) => {
      let s = run([opening])
      for (const d of drafts) {
        const draft = realistic(s, d.type, d.from, d.pick)
        const before = snapshot(s)
        try {
          s = step(s, draft)
        } catch (err) {
          assert.ok(err instanceof SessionError)
          assert.equal(snapshot(s), before)
          continue
        }
        invariants(s)
        reached.add(s.phase)
      }
    }), { numRuns: 250, seed: 7 })
    assert.deepEqual([...reached].sort(), ['accepted', 'cancelled', 'closed', 'committed', 'fulfilled', 'negotiating', 'rejected'], 'the walk reaches every phase')
  })
})

/** A draft that is often, but not always, acceptable: so the random walk reaches every phase. */
function realistic (s: SessionState, type: MessageType, from: Role, pick: number): Draft {
  switch (type) {
    case 'ACCEPT': return { type, from, body: { offer: pick === 0 ? anyCid : s.liveOffer?.cid ?? anyCid } }
    case 'COUNTER': return { type, from, body: { terms: terms({ quantity: 100 + pick }) }, ...(s.liveOffer !== null ? { replyTo: s.liveOffer.cid } : {}) }
    case 'PROPOSE': return { type, from, body: { terms: terms({ quantity: 200 + pick }) } }
    case 'COMMIT': return { type, from, body: s.agreement !== null && pick !== 0 ? commitBody(s, from) : sampleBody.COMMIT }
    case 'CONFIRM': return { type, from, body: { obligation: pick % 2 === 0 ? 'deliver' : 'pay' } }
    case 'DELEGATE': return { type, from, body: { agent: `agent-${pick}` } }
    default: return { type, from, body: sampleBody[type] as never }
  }
}

function invariants (s: SessionState): void {
  if (s.liveOffer !== null) assert.equal(s.phase, 'negotiating', 'an offer is live only while negotiating')
  if (['accepted', 'committed', 'fulfilled'].includes(s.phase)) assert.ok(s.agreement !== null)
  if (['committed', 'fulfilled'].includes(s.phase)) assert.ok(s.commits.initiator !== undefined && s.commits.responder !== undefined)
  if (s.phase === 'accepted') assert.ok(s.commits.initiator === undefined || s.commits.responder === undefined)
  if (s.phase === 'fulfilled') assert.ok(s.agreement!.value.obligations.every((o) => s.confirmed.includes(o.id)))
  assert.equal(new Set(s.confirmed).size, s.confirmed.length)
}
