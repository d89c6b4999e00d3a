// The typed client of the ASP node's local API.
export { AspApiError, AspClient, type CallOptions, type ClientOptions, type Request, type Response } from './client.js'
export { parseSse, type SseMessage } from './sse.js'
export { verifyWebhook, signWebhook, SIGNATURE_HEADER } from '../api/webhook-signature.js'
export type { ApiEvent } from '../api/contract/events.js'
