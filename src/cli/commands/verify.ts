import { verifyExports, type VerifyReport } from '../../audit/verify.js'
import { optionalInt, parse, UsageError } from '../args.js'
import { formatBytes, progressLine } from '../progress.js'

const usage = `usage: asp verify FILE [FILE...] [--json] [--now MS] [--max-skew MS] [--threads N]

Checks exported logs ("asp log export") and session transcripts ("asp session export") offline.
Logs: canonical encoding, CIDs, signatures, seq and prev continuity, timestamps, references,
truncation against the signed head, and forks across all the files given. Transcripts: every
message's signature, the session's chain, the state machine replayed from the first message, the
commitment against the COMMITs, and, when the parties' log exports are given too, that each
message is in both logs.
Exit status: 0 when every file is valid, 1 when something is wrong (the first problem is printed),
2 for usage errors, 3 for an internal error.

  --json          print a machine-readable report on stdout
  --now MS        the time to verify at, in ms since the epoch (default: now); e.g. to re-run an
                  audit as of its date, or the test vectors at their manifest's time
  --max-skew MS   how far past --now an entry or head may be dated (default 300000)
  --threads N     worker threads for signature checks (default: all cores for large files)`

export async function run (argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, now: { type: 'string' }, 'max-skew': { type: 'string' }, threads: { type: 'string' } }, usage)
  if (positionals.length === 0) throw new UsageError(`name at least one export\n\n${usage}`)
  const progress = progressLine()
  const report = await verifyExports(positionals, {
    now: optionalInt(values, 'now', usage),
    maxSkewMs: optionalInt(values, 'max-skew', usage),
    threads: optionalInt(values, 'threads', usage),
    onProgress: (p) => progress.update(`verifying ${p.file} (${p.fileIndex + 1}/${p.files}): ${formatBytes(p.bytesRead)} of ${formatBytes(p.fileBytes)}, ${p.entries} entries`)
  })
  progress.done()
  if (values.json === true) console.log(JSON.stringify(report, null, 2))
  else printReport(report)
  return report.ok ? 0 : 1
}

function printReport (report: VerifyReport): void {
  for (const f of report.files) {
    if (f.type === 'transcript') {
      const parties = f.parties === null ? 'unknown parties' : `${f.parties.initiator.org} and ${f.parties.responder.org}`
      const against = f.crossChecked.length > 0 ? `, in the logs of ${f.crossChecked.join(', ')}` : ''
      console.log(`${f.ok ? 'ok  ' : 'FAIL'} ${f.file}: transcript of session ${f.session ?? '?'} between ${parties}, ${f.messages} messages, ${f.phase ?? 'no state'}` +
        (f.commitment !== null ? `, commitment ${f.commitment}` : '') + against)
      continue
    }
    const head = f.head === null ? 'no head' : `head seq ${f.head.seq}`
    console.log(`${f.ok ? 'ok  ' : 'FAIL'} ${f.file}: ${f.author ?? 'unknown author'}, ${f.entries} entries, ${head}, ${f.recordsChecked} records checked` +
      (f.recordsUnchecked > 0 ? `, ${f.recordsUnchecked} of unknown kinds (hash only)` : ''))
  }
  const first = report.first
  if (first === null) {
    console.log('valid')
    return
  }
  const transcript = report.files.find((f) => f.file === first.file)?.type === 'transcript'
  const where = transcript
    ? (first.position === 0 ? 'the manifest' : first.seq !== undefined ? `message ${first.seq}` : first.position !== undefined ? 'the blocks after the messages' : 'the file')
    : (first.position === 0 ? `the head${first.seq !== undefined ? ` (seq ${first.seq})` : ''}` : first.seq !== undefined ? `entry ${first.seq}` : 'the file')
  console.log(`invalid: ${first.code}${first.sessionCode !== undefined ? ` (${first.sessionCode})` : ''} at ${where} of ${first.file}${first.position !== undefined ? ` (block ${first.position})` : ''}`)
  console.log(`  ${first.message}`)
  if (report.findings.length > 1) console.log(`  (${report.findings.length - 1} more finding${report.findings.length > 2 ? 's' : ''}; --json lists them all)`)
}
