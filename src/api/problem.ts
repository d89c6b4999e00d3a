// Errors on the local API as RFC 9457 problem details, with the stable ASP code beside the status.
import type { FastifyReply } from 'fastify'
import { isAspError } from '../errors.js'

export interface Problem {
  type: string
  title: string
  status: number
  code: string
  detail?: string
}

const STATUS_BY_PREFIX: Array<[string, number]> = [
  ['API_UNAUTHORIZED', 401],
  ['API_NOT_FOUND', 404],
  ['API_', 400],
  ['RECORD_', 400],
  ['POLICY_FILE_INVALID', 500],
  ['POLICY_INVALID', 400],
  ['POLICY_', 403],
  ['APPROVAL_NOT_FOUND', 404],
  ['APPROVAL_', 409],
  ['CONSEQUENCE_INPUT_INVALID', 400],
  ['CONSEQUENCE_UNKNOWN_', 404],
  ['CONSEQUENCE_', 409],
  ['LOG_BODY_INVALID', 400],
  ['CONFIG_', 400],
  ['NET_TIMEOUT', 504],
  ['NET_', 502]
]

export function statusFor (code: string): number {
  return STATUS_BY_PREFIX.find(([prefix]) => code.startsWith(prefix))?.[1] ?? 500
}

export function problem (code: string, title: string, detail?: string, status = statusFor(code)): Problem {
  return { type: `urn:asp:problem:${code}`, title, status, code, ...(detail !== undefined ? { detail } : {}) }
}

export function problemFor (err: unknown): Problem {
  if (isAspError(err)) return problem(err.code, err.name, err.message)
  const fastifyError = err as { statusCode?: number, code?: string, message?: string }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return problem('API_REQUEST_INVALID', 'Bad request', fastifyError.message, fastifyError.statusCode)
  }
  return problem('INTERNAL', 'Internal error', undefined, 500)
}

export function sendProblem (reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p)
}
