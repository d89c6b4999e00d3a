// Errors on the local API as RFC 9457 problem details, with the stable ASP code beside the status.
// Every code an endpoint can answer with is listed in ApiErrorCode or comes from a library's
// error family (SESSION_*, NET_*, RECORD_*...); the status is derived from the code, in one table.
import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import { AspError, isAspError } from '../errors.js'

export type ApiErrorCode =
  | 'API_UNAUTHORIZED' //          no token, or one the node does not know
  | 'API_FORBIDDEN' //             a valid token acting for another agent
  | 'API_NOT_FOUND' //             no such route, or a resource the caller may not see
  | 'API_REQUEST_INVALID' //       params, query or body fail their schema
  | 'API_BODY_MALFORMED' //        the body is not JSON
  | 'API_BODY_TOO_LARGE' //        over api.bodyLimitBytes
  | 'API_UNSUPPORTED_MEDIA_TYPE' // a body that is not application/json
  | 'API_IDEMPOTENCY_CONFLICT' //  the key was used with another request
  | 'API_IDEMPOTENCY_KEY_INVALID'
  | 'API_TOO_MANY_STREAMS' //      too many open event streams for one caller
  | 'API_AGENT_EXISTS'
  | 'API_NOT_PARTY' //             confirming an obligation of a commitment this org only observes
  | 'API_RESPONSE_INVALID' //      the node built an answer its own schema refuses (a bug)

export class ApiError extends AspError<ApiErrorCode> {
  override name = 'ApiError'
}

export interface Problem {
  type: string
  title: string
  status: number
  code: string
  detail?: string
  /** Which fields failed validation (API_REQUEST_INVALID). */
  errors?: Array<{ path: string, message: string }>
  /** The approval a held message waits for (POLICY_APPROVAL_REQUIRED, POLICY_APPROVAL_PENDING). */
  approval?: string
}

export const problemSchema = z.object({
  type: z.string().describe('urn:asp:problem:<code>'),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('The stable error code to branch on (never the title or detail).'),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  approval: z.string().optional().describe('POLICY_APPROVAL_REQUIRED and POLICY_APPROVAL_PENDING: the id of the approval the message waits for.')
}).meta({ title: 'Problem', description: 'RFC 9457 problem details, with the ASP error code.' })

/** First match wins: exact codes before prefixes. */
const STATUS_BY_CODE: Array<[string, number]> = [
  ['API_UNAUTHORIZED', 401],
  ['API_FORBIDDEN', 403],
  ['API_NOT_FOUND', 404],
  ['API_BODY_TOO_LARGE', 413],
  ['API_UNSUPPORTED_MEDIA_TYPE', 415],
  ['API_IDEMPOTENCY_CONFLICT', 409],
  ['API_AGENT_EXISTS', 409],
  ['API_NOT_PARTY', 409],
  ['API_TOO_MANY_STREAMS', 429],
  ['API_RESPONSE_INVALID', 500],
  ['API_', 400],
  ['SESSION_WRONG_SESSION', 404],
  ['SESSION_WRONG_AGENT', 403],
  ['SESSION_REFUSED', 502],
  // The other node takes this many messages per second from this one: retry later.
  ['SESSION_RATE_LIMITED', 429],
  ['SESSION_', 409],
  ['RECORD_', 400],
  ['POLICY_FILE_INVALID', 500],
  ['POLICY_INVALID', 400],
  // Held for approval: not forbidden, the session waits for the org's humans.
  ['POLICY_APPROVAL_REQUIRED', 409],
  ['POLICY_APPROVAL_PENDING', 409],
  // Guardrails (src/policy): a rule forbids the action; the code names the rule.
  ['POLICY_', 403],
  ['APPROVAL_NOT_FOUND', 404],
  ['APPROVAL_NOT_APPROVER', 403],
  ['APPROVAL_NO_HANDLER', 500],
  ['APPROVAL_', 409],
  ['CONSEQUENCE_INPUT_INVALID', 400],
  ['CONSEQUENCE_UNKNOWN_', 404],
  ['CONSEQUENCE_', 409],
  ['LOG_BODY_INVALID', 400],
  ['LOG_QUEUE_FULL', 503],
  ['CONFIG_', 400],
  ['NET_TIMEOUT', 504],
  ['NET_', 502]
]

export function statusFor (code: string): number {
  return STATUS_BY_CODE.find(([prefix]) => code === prefix || (prefix.endsWith('_') && code.startsWith(prefix)))?.[1] ?? 500
}

export function problem (code: string, title: string, detail?: string, status = statusFor(code)): Problem {
  return { type: `urn:asp:problem:${code}`, title, status, code, ...(detail !== undefined ? { detail } : {}) }
}

/** fastify's own request errors, mapped to stable codes. */
const FASTIFY_CODES: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'API_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'API_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'API_BODY_MALFORMED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'API_BODY_MALFORMED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'API_BODY_MALFORMED'
}

const TITLES: Record<number, string> = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 413: 'Payload too large',
  415: 'Unsupported media type', 429: 'Too many requests', 500: 'Internal error', 502: 'Bad gateway', 503: 'Unavailable', 504: 'Gateway timeout'
}

export function titleFor (status: number): string {
  return TITLES[status] ?? 'Error'
}

export function problemFor (err: unknown): Problem {
  if (isAspError(err)) {
    const p = problem(err.code, titleFor(statusFor(err.code)), err.message)
    const { errors, approval } = err.details
    return {
      ...p,
      ...(Array.isArray(errors) ? { errors: errors as Problem['errors'] } : {}),
      ...(typeof approval === 'string' && err.code.startsWith('POLICY_APPROVAL_') ? { approval } : {})
    }
  }
  const fastifyError = err as { statusCode?: number, code?: string, message?: string }
  const code = FASTIFY_CODES[fastifyError.code ?? '']
  if (code !== undefined) return problem(code, titleFor(statusFor(code)), fastifyError.message)
  if (err instanceof SyntaxError) return problem('API_BODY_MALFORMED', 'Bad request', 'the body is not valid JSON')
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return problem('API_REQUEST_INVALID', 'Bad request', fastifyError.message, fastifyError.statusCode)
  }
  return problem('INTERNAL', 'Internal error', undefined, 500)
}

export function sendProblem (reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p)
}

/** A request that fails its schema: API_REQUEST_INVALID (or the endpoint's own code), listing the fields. */
export function invalid (issues: z.core.$ZodIssue[], where: string, code = 'API_REQUEST_INVALID'): AspError {
  const errors = issues.slice(0, 20).map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }))
  return new AspError(code, `${errors[0]?.path ?? where}: ${errors[0]?.message ?? 'invalid'}`, { errors })
}
