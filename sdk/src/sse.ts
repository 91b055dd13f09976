// A small reader for text/event-stream bodies (GraphQL over SSE, as GraphQL Yoga serves
// subscriptions): yields `{ event, data }` per message, skips comments (the server's heartbeats).

export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/** Parses an SSE body. `onActivity` is called whenever bytes arrive (for idle timeouts). */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>, onActivity: () => void = () => {}): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onActivity();
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message = parseBlock(block);
        if (message) yield message;
      }
    }
    const rest = parseBlock((buffer + decoder.decode()).trim());
    if (rest) yield rest;
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function parseBlock(block: string): ServerSentEvent | null {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  let fields = 0;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    fields++;
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (fields === 0) return null;
  return { event, data: data.join('\n'), ...(id !== undefined ? { id } : {}) };
}
