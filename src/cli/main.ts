#!/usr/bin/env node
import '../polyfill.js'
import { isAspError } from '../errors.js'
import { SOFTWARE } from '../version.js'
import { HelpRequested, UsageError } from './args.js'

const usage = `usage: asp <command> [options]

exit status: 0 success, 1 the operation failed or found a problem, 2 usage error, 3 internal error

commands:
  init         create a node's data dir (org key, operator token, config, log)
  start        run the node in the foreground
  status       show a running node's status
  discover     find the organizations that advertise a capability
  card         publish this organization's agent cards
  agent        register the agents that use the node's API (prints each token once)
  log          export, import, inspect or annotate a node's log
  session      export one session's transcript for "asp verify"
  sessions     list the sessions in a node's log
  commitments  commitments this node knows, where each obligation stands; waive one
  disputes     disputes and verdicts; open one by hand
  reputation   this organization's view of the others' reputation
  policy       show or set an agent's guardrails (limits, reputation, approvals)
  approvals    list the approvals waiting for people, approve or refuse one
  verify       check exported logs and transcripts offline (no node, no network)

"asp <command> --help" describes each command.`

const commands: Record<string, () => Promise<{ run: (argv: string[]) => Promise<number> }>> = {
  init: async () => import('./commands/init.js'),
  start: async () => import('./commands/start.js'),
  status: async () => import('./commands/status.js'),
  discover: async () => import('./commands/discover.js'),
  card: async () => import('./commands/card.js'),
  agent: async () => import('./commands/agent.js'),
  log: async () => import('./commands/log.js'),
  session: async () => import('./commands/session.js'),
  sessions: async () => ({ run: (await import('./commands/session.js')).runList }),
  commitments: async () => import('./commands/commitments.js'),
  disputes: async () => import('./commands/disputes.js'),
  reputation: async () => import('./commands/reputation.js'),
  policy: async () => import('./commands/policy.js'),
  approvals: async () => import('./commands/approvals.js'),
  verify: async () => import('./commands/verify.js')
}

async function main (argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--version' || name === '-v') {
    console.log(SOFTWARE)
    return 0
  }
  const load = name === undefined ? undefined : commands[name]
  if (name === '--help' || name === '-h') {
    console.log(usage)
    return 0
  }
  if (load === undefined) {
    console.error(name === undefined ? usage : `unknown command "${name}"\n\n${usage}`)
    return 2
  }
  try {
    return await (await load()).run(rest)
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(err.message)
      return 0
    }
    if (err instanceof UsageError) {
      console.error(err.message)
      return 2
    }
    if (isAspError(err)) {
      console.error(`error ${err.code}: ${err.message}`)
      return 1
    }
    console.error(`internal error: ${(err as Error).stack ?? String(err)}`)
    return 3
  }
}

process.exitCode = await main(process.argv.slice(2))
