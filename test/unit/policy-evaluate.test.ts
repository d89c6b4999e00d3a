import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { policyDocumentSchema } from '../../src/policy/document.js'
import { checkIncoming, checkOutgoing, requiredScore, type MessageFacts, type Verdict } from '../../src/policy/evaluate.js'
import type { Policy } from '../../src/policy/document.js'
import { testSigner } from '../helpers/keys.js'
import { repoRoot } from '../helpers/paths.js'

const friend = testSigner('friend').orgId
const rival = testSigner('rival').orgId

const facts = (over: Partial<MessageFacts> = {}): MessageFacts => ({
  counterparty: friend,
  value: { amount: 500_00, currency: 'EUR' },
  score: 50,
  spentLast24h: 0n,
  dealtWith: true,
  approved: false,
  ...over
})

const limits: Policy = { spend: { EUR: { perDeal: 1000_00, perDay: 2500_00 }, USD: {} } }
const reputation: Policy = { minReputation: { base: 30, tiers: [{ currency: 'EUR', above: 1000_00, min: 60 }, { currency: 'EUR', above: 10_000_00, min: 80 }] } }
const approvals: Policy = { approval: { above: { EUR: 800_00 }, newCounterparty: true } }
const lists: Policy = { counterparties: { allow: [friend, rival], deny: [rival] } }
const capabilities: Policy = { capabilities: ['buy:gpu-hours'] }

/** The rule that refuses, or "ok" with the approval reasons. */
function outcome (v: Verdict): string {
  return v.ok ? `ok${v.approval.length > 0 ? ' approval:' + v.approval.join('+') : ''}` : v.rule
}

describe('policy evaluation (pure, table-driven)', () => {
  const outgoing: Array<[string, Policy | undefined, Partial<MessageFacts>, string]> = [
    ['no policy: anything goes', undefined, { value: { amount: 10 ** 12, currency: 'XXX' }, score: undefined }, 'ok'],
    ['empty policy: anything goes', {}, { score: undefined, dealtWith: false }, 'ok'],
    ['under the per-deal limit', limits, {}, 'ok'],
    ['exactly the per-deal limit', limits, { value: { amount: 1000_00, currency: 'EUR' } }, 'ok'],
    ['one cent over the per-deal limit', limits, { value: { amount: 1000_01, currency: 'EUR' } }, 'POLICY_SPEND_LIMIT'],
    ['a currency the limits do not name', limits, { value: { amount: 1, currency: 'GBP' } }, 'POLICY_CURRENCY'],
    ['a currency named without limits', limits, { value: { amount: 10 ** 12, currency: 'USD' } }, 'ok'],
    ['the day\'s deals plus this one at the limit', limits, { spentLast24h: 2000_00n }, 'ok'],
    ['the day\'s deals plus this one over the limit', limits, { spentLast24h: 2000_01n }, 'POLICY_DAILY_LIMIT'],
    ['per-deal is checked before per-day', limits, { value: { amount: 2000_00, currency: 'EUR' }, spentLast24h: 10n ** 20n }, 'POLICY_SPEND_LIMIT'],
    ['a day spent beyond 2^53 still compares exactly', limits, { spentLast24h: 2n ** 60n }, 'POLICY_DAILY_LIMIT'],
    ['no value (not a deal message): limits do not apply', limits, { value: undefined, spentLast24h: 10n ** 20n }, 'ok'],
    ['base minimum met', reputation, { score: 30 }, 'ok'],
    ['below the base minimum', reputation, { score: 29.9 }, 'POLICY_REPUTATION'],
    ['no score at all is below any minimum', reputation, { score: undefined }, 'POLICY_REPUTATION'],
    ['a larger deal needs the higher tier', reputation, { value: { amount: 1000_01, currency: 'EUR' }, score: 59 }, 'POLICY_REPUTATION'],
    ['the higher tier met', reputation, { value: { amount: 1000_01, currency: 'EUR' }, score: 60 }, 'ok'],
    ['the highest tier the deal is above applies', reputation, { value: { amount: 20_000_00, currency: 'EUR' }, score: 79 }, 'POLICY_REPUTATION'],
    ['tiers of another currency do not apply', reputation, { value: { amount: 20_000_00, currency: 'USD' }, score: 31 }, 'ok'],
    ['without a value only the base applies', reputation, { value: undefined, score: 31 }, 'ok'],
    ['under the approval threshold, known counterparty', approvals, {}, 'ok'],
    ['over the approval threshold', approvals, { value: { amount: 800_01, currency: 'EUR' } }, 'ok approval:above'],
    ['a new counterparty', approvals, { dealtWith: false }, 'ok approval:new-counterparty'],
    ['both reasons', approvals, { dealtWith: false, value: { amount: 900_00, currency: 'EUR' } }, 'ok approval:above+new-counterparty'],
    ['terms approved already', approvals, { dealtWith: false, value: { amount: 900_00, currency: 'EUR' }, approved: true }, 'ok'],
    ['always', { approval: { always: true } }, {}, 'ok approval:always'],
    ['always, but not a deal message', { approval: { always: true } }, { value: undefined }, 'ok'],
    ['approval does not lift a limit', { ...limits, ...approvals }, { value: { amount: 2000_00, currency: 'EUR' } }, 'POLICY_SPEND_LIMIT'],
    ['on the allow list', lists, {}, 'ok'],
    ['deny wins over allow', lists, { counterparty: rival }, 'POLICY_COUNTERPARTY'],
    ['not on the allow list', lists, { counterparty: testSigner('stranger').orgId }, 'POLICY_COUNTERPARTY'],
    ['the counterparty is checked first', { ...lists, ...limits }, { counterparty: rival, value: { amount: 10 ** 9, currency: 'GBP' } }, 'POLICY_COUNTERPARTY'],
    ['opening with an allowed REQUEST', capabilities, { opening: { type: 'REQUEST', capability: 'buy:gpu-hours' } }, 'ok'],
    ['opening with another capability', capabilities, { opening: { type: 'REQUEST', capability: 'buy:tpu-hours' } }, 'POLICY_CAPABILITY'],
    ['opening without a REQUEST when capabilities are set', capabilities, { opening: { type: 'PROPOSE' } }, 'POLICY_CAPABILITY'],
    ['capabilities only bind the opening', capabilities, {}, 'ok']
  ]
  for (const [name, policy, over, expected] of outgoing) {
    it(`outgoing: ${name} -> ${expected}`, () => assert.equal(outcome(checkOutgoing(policy, facts(over))), expected))
  }

  const incoming: Array<[string, Policy | undefined, Partial<MessageFacts>, string]> = [
    ['a later message is never checked', { ...reputation, ...lists }, { counterparty: rival, score: 0 }, 'ok'],
    ['an opening from a low score', reputation, { opening: { type: 'QUERY' }, value: undefined, score: 20 }, 'POLICY_REPUTATION'],
    ['an opening from a good score', reputation, { opening: { type: 'QUERY' }, value: undefined, score: 40 }, 'ok'],
    ['an opening offer is held to its value\'s tier', reputation, { opening: { type: 'PROPOSE' }, value: { amount: 5000_00, currency: 'EUR' }, score: 40 }, 'POLICY_REPUTATION'],
    ['an opening from a denied org', lists, { opening: { type: 'QUERY' }, counterparty: rival }, 'POLICY_COUNTERPARTY'],
    ['an opening for a capability not allowed', capabilities, { opening: { type: 'REQUEST', capability: 'sell:gpu-hours' } }, 'POLICY_CAPABILITY'],
    ['limits and approvals bind only our messages', { ...limits, ...approvals }, { opening: { type: 'PROPOSE' }, value: { amount: 10 ** 9, currency: 'GBP' }, dealtWith: false }, 'ok']
  ]
  for (const [name, policy, over, expected] of incoming) {
    it(`incoming: ${name} -> ${expected}`, () => assert.equal(outcome(checkIncoming(policy, facts(over))), expected))
  }

  it('requiredScore: the base, raised by every tier the value is above', () => {
    assert.equal(requiredScore({}, undefined), 0)
    assert.equal(requiredScore(reputation, undefined), 30)
    assert.equal(requiredScore(reputation, { amount: 1000_00, currency: 'EUR' }), 30)
    assert.equal(requiredScore(reputation, { amount: 1000_01, currency: 'EUR' }), 60)
    assert.equal(requiredScore({ minReputation: { tiers: [{ currency: 'EUR', above: 0, min: 10 }] } }, { amount: 1, currency: 'EUR' }), 10)
  })
})

describe('protocols/policy.md', () => {
  it('its example policy document is valid', async () => {
    const text = await readFile(join(repoRoot, 'protocols', 'policy.md'), 'utf8')
    const example = /```json\n([\s\S]*?)```/.exec(text)?.[1]
    assert.ok(example !== undefined, 'policy.md has a JSON example')
    const parsed = policyDocumentSchema.safeParse(JSON.parse(example))
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues))
  })
})
