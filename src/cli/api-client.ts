// How CLI commands talk to a running node: the API address from <data-dir>/api.json, the operator
// token from <data-dir>/operator.token.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { API_FILE, readOperatorToken } from '../datadir.js'
import { AspError } from '../errors.js'

export class CliError extends AspError<'NODE_NOT_RUNNING' | 'API_ERROR'> {
  override name = 'CliError'
}

export async function callNode (dataDir: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  let url: string
  try {
    url = (JSON.parse(await readFile(join(dataDir, API_FILE), 'utf8')) as { url: string }).url
  } catch {
    throw new CliError('NODE_NOT_RUNNING', `no running node for ${dataDir} (no ${API_FILE}); start it with "asp start --data-dir ${dataDir}"`)
  }
  const token = await readOperatorToken(dataDir)
  let response: Response
  try {
    response = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(60_000)
    })
  } catch (err) {
    throw new CliError('NODE_NOT_RUNNING', `the node's API at ${url} does not answer: ${(err as Error).message}`)
  }
  const payload = await response.json() as { code?: string, detail?: string }
  if (!response.ok) throw new CliError('API_ERROR', `${payload.code ?? response.status}: ${payload.detail ?? response.statusText}`, { code: payload.code })
  return payload
}
