// Handlers of the commitments' endpoints. An agent sees the commitments of its sessions; another
// commitment is answered as missing. Confirming goes through the session (a CONFIRM), so the
// session layer's rules apply: only this org's current speaker, only an obligation owed to it.
import type { AspNode } from '../../node.js'
import type { ApiContext } from '../context.js'
import { canSeeCommitment, commitmentIds, commitmentJson, sessionOfCommitment, visibleCommitment } from '../consequence-view.js'
import { commitmentEndpoints as e } from '../contract/commitments.js'
import { ApiError } from '../problem.js'
import { route, type Route } from '../route.js'
import { ourRole } from '../session-view.js'
import { SessionError } from '../../session/machine.js'

/** How long a confirmation waits for the attestation before its CONFIRM, and for the receipt after it. */
const WAIT_MS = 5000

/** Resolves once `holds()` is true (checked as consequence records arrive), or after `ms`. */
async function until (node: AspNode, holds: () => boolean, ms: number): Promise<void> {
  if (holds()) return
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    const unsubscribe = node.consequences.onEvent(() => { if (holds()) done() })
    function done (): void {
      clearTimeout(timer)
      unsubscribe()
      resolve()
    }
  })
}

export function commitmentRoutes (ctx: ApiContext): Route[] {
  const { node } = ctx
  const { book } = node.consequences
  return [
    route(e.listCommitments, async ({ query, principal }) => {
      const ids = principal.kind === 'operator' ? commitmentIds(node) : [...book.commitments.keys()]
      const commitments = ids
        .filter((id) => canSeeCommitment(node, principal, id))
        .map((id) => commitmentJson(node, id, false))
        .filter((c) => (query.outcome === undefined || c.outcome === query.outcome) && (query.party === undefined || String(c.party) === query.party))
        .sort((a, b) => (b.at as number) - (a.at as number))
        .slice(0, query.limit)
      return { commitments: commitments as never }
    }),
    route(e.readCommitment, async ({ params, principal }) => visibleCommitment(node, principal, params.id) as never),
    route(e.confirmObligation, async ({ params, body, principal }) => {
      visibleCommitment(node, principal, params.id)
      const session = sessionOfCommitment(node, params.id)
      const state = session !== null ? node.sessions.state(session) : undefined
      if (session === null || state === undefined) throw new ApiError('API_NOT_PARTY', `this org is not a party to commitment ${params.id}: it cannot confirm its obligations`)
      const speaker = state.speakers[ourRole(state, node.key.orgId)]
      if (principal.kind === 'agent' && principal.name !== speaker) throw new SessionError('SESSION_WRONG_AGENT', `${speaker} speaks for this org in session ${session}, not ${principal.name}`)
      // The receipt a CONFIRM owes is signed against the attestation: right after both COMMITs, let it be stored first.
      await until(node, () => book.attestations.has(params.id), WAIT_MS)
      await node.sessions.send(session, { type: 'CONFIRM', body: { obligation: body.obligation, ...(body.note !== undefined ? { note: body.note } : {}) } })
      await until(node, () => book.receipts.has(`${params.id}/${body.obligation}`), WAIT_MS)
      return commitmentJson(node, params.id, true) as never
    }),
    route(e.waiveObligation, async ({ params, body, principal }) => {
      visibleCommitment(node, principal, params.id)
      const receipt = await node.consequences.waive(params.id, body.obligation, body.note)
      const r = receipt.value
      return {
        cid: receipt.cid.toString(),
        commitment: r.commitment.toString(),
        obligation: r.obligation,
        obligor: r.obligor,
        beneficiary: r.beneficiary,
        outcome: r.outcome,
        at: r.at,
        ...(r.note !== undefined ? { note: r.note } : {})
      }
    })
  ]
}
