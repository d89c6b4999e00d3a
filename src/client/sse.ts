// A minimal server-sent-events parser (the WHATWG event stream format): id, event and data
// fields, comments ignored, one message per blank line.
export interface SseMessage {
  id?: string
  event?: string
  data: string
}

export async function * parseSse (body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder()
  let buffer = ''
  let message: { id?: string, event?: string, data: string[] } = { data: [] }
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true })
    let newline: number
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, newline)
      buffer = buffer.slice(buffer[newline] === '\r' ? newline + 2 : newline + 1)
      if (line === '') {
        if (message.data.length > 0) yield { ...(message.id !== undefined ? { id: message.id } : {}), ...(message.event !== undefined ? { event: message.event } : {}), data: message.data.join('\n') }
        message = { data: [] }
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'id') message.id = value
      else if (field === 'event') message.event = value
      else if (field === 'data') message.data.push(value)
    }
  }
}
