// `asp session export` and `asp sessions`: a stopped node's sessions, read from its data dir.
import { openDataDirLog } from '../../datadir.js'
import { sessionsInLog, type LoggedSession } from '../../session/log-sessions.js'
import { exportTranscript, TranscriptError } from '../../session/transcript-export.js'
import { HelpRequested, parse, requireString, UsageError } from '../args.js'

const usage = `usage: asp session export SESSION --data-dir DIR --out FILE

  Writes the transcript of one session (its signed messages in order, and its commitment once
  committed) to a CAR file that "asp verify" checks. Reads the data dir of a stopped node.`

const listUsage = `usage: asp sessions --data-dir DIR [--json]

  Lists the sessions in a stopped node's log: id, phase, parties (org/agent), last seq.`

export async function run (argv: string[]): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === '--help' || sub === '-h') throw new HelpRequested(usage)
  if (sub !== 'export') throw new UsageError(usage)
  const { values, positionals } = parse(rest, { 'data-dir': { type: 'string' }, out: { type: 'string' } }, usage)
  const dataDir = requireString(values, 'data-dir', usage)
  const out = requireString(values, 'out', usage)
  const id = positionals[0]
  if (id === undefined || positionals.length > 1) throw new UsageError(`name one session\n\n${usage}`)
  const { log } = await openDataDirLog(dataDir)
  try {
    const session = (await sessionsInLog(log, id)).get(id)
    if (session === undefined) throw new TranscriptError('TRANSCRIPT_NO_SESSION', `the log in ${dataDir} holds no session ${id}`)
    if (session.refused !== undefined) {
      throw new TranscriptError('TRANSCRIPT_INVALID', `the log holds a message the state machine refuses at seq ${session.refused.seq} (${session.refused.code}): ${session.refused.message}`)
    }
    const result = await exportTranscript(session.messages, session.commitment, out)
    console.log(`exported session ${result.session} (${result.messages} messages, ${result.phase}${result.commitment !== null ? ', with its commitment' : ''}) to ${out}`)
  } finally {
    await log.close()
  }
  return 0
}

/** `asp sessions` */
export async function runList (argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'data-dir': { type: 'string' }, json: { type: 'boolean' } }, listUsage)
  if (positionals.length > 0) throw new UsageError(listUsage)
  const dataDir = requireString(values, 'data-dir', listUsage)
  const { log } = await openDataDirLog(dataDir)
  try {
    const views = [...(await sessionsInLog(log)).values()].map(view)
    if (values.json === true) console.log(JSON.stringify(views, null, 2))
    else if (views.length === 0) console.log('no sessions')
    else {
      for (const v of views) {
        console.log(`${v.session} ${v.phase.padEnd(11)} seq ${String(v.seq).padStart(3)}  ${v.initiator.org}/${v.initiator.agent} -> ${v.responder.org}/${v.responder.agent}` +
          (v.refused !== null ? `  (log damaged: seq ${v.refused.seq} refused, ${v.refused.code})` : ''))
      }
    }
  } finally {
    await log.close()
  }
  return 0
}

function view (s: LoggedSession): { session: string, phase: string, initiator: { org: string, agent: string }, responder: { org: string, agent: string }, seq: number, lastTs: number, commitment: string | null, refused: { seq: number, code: string } | null } {
  return {
    session: s.state.id,
    phase: s.state.phase,
    initiator: { ...s.state.parties.initiator },
    responder: { ...s.state.parties.responder },
    seq: s.state.seq,
    lastTs: s.state.lastTs,
    commitment: s.commitment?.cid.toString() ?? null,
    refused: s.refused === undefined ? null : { seq: s.refused.seq, code: s.refused.code }
  }
}
