// Streaming responses: opening one (with the connection's retries), an idle timeout while reading,
// and the one line reader under both stream formats, server-sent events (GraphQL subscriptions, as
// GraphQL Yoga serves them) and newline-delimited JSON (the audit export).

import { AbortedError, KeywardenError, NetworkError, ServerError, TimeoutError } from '../errors.ts';
import type { Attempt, Connection, Outcome, SubscribeOptions } from './connection.ts';

const DEFAULT_IDLE_TIMEOUT_MS = 90_000;

/** Opens a streaming response (with retries) and reads it with an idle timeout; failures become SDK errors. */
export async function* readStream<T>(
  connection: Connection,
  operation: string,
  options: SubscribeOptions,
  open: (stream: AbortSignal) => (attempt: Attempt) => Promise<Outcome<Response>>,
  read: (response: Response, onActivity: () => void) => AsyncGenerator<T, void, undefined>,
): AsyncGenerator<T, void, undefined> {
  const stream = new AbortController();
  const outer = connection.outerSignal(options);
  const response = await connection.run(operation, 'query', options, open(stream.signal));
  options.onOpen?.();
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let idle = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onActivity = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      stream.abort(new Error(`no data for ${idleMs} ms`));
    }, idleMs);
  };
  onActivity();
  try {
    yield* read(response, onActivity);
  } catch (error) {
    if (error instanceof KeywardenError) throw error;
    if (outer?.aborted) throw new AbortedError({ message: `${operation} was aborted`, operation, cause: outer.reason });
    if (idle) throw new TimeoutError({ message: `${operation}: the stream went silent for ${idleMs} ms`, operation, cause: error });
    if (error instanceof SyntaxError) throw new ServerError({ message: `${operation}: unreadable data in the stream`, operation, cause: error });
    throw new NetworkError({ message: `${operation}: the stream broke: ${(error as Error)?.message ?? error}`, operation, cause: error });
  } finally {
    clearTimeout(timer);
    // Ends the connection when the consumer stops early (break) or the stream failed.
    stream.abort();
  }
}

/**
 * The lines of a UTF-8 body, without their `\n` or `\r\n`; the last one also when no newline ends
 * it. `onActivity` is called whenever bytes arrive (for idle timeouts).
 */
export async function* readLines(body: ReadableStream<Uint8Array>, onActivity: () => void = () => {}): AsyncGenerator<string, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onActivity();
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        yield line.endsWith('\r') ? line.slice(0, -1) : line;
      }
    }
    const last = buffer + decoder.decode();
    if (last) yield last;
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** Newline-delimited JSON: one parsed value per non-blank line. */
export async function* readJsonLines<T>(body: ReadableStream<Uint8Array>, onActivity?: () => void): AsyncGenerator<T, void, undefined> {
  for await (const raw of readLines(body, onActivity)) {
    const line = raw.trim();
    if (line) yield JSON.parse(line) as T;
  }
}

export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/** A text/event-stream body: `{ event, data }` per message; comments (the server's heartbeats) are skipped. */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>, onActivity?: () => void): AsyncGenerator<ServerSentEvent, void, undefined> {
  let block: string[] = [];
  for await (const line of readLines(body, onActivity)) {
    if (line !== '') {
      block.push(line);
      continue;
    }
    // A blank line ends a message.
    const message = parseBlock(block.join('\n'));
    block = [];
    if (message) yield message;
  }
  const rest = parseBlock(block.join('\n').trim());
  if (rest) yield rest;
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

/** GET a newline-delimited JSON stream (e.g. `/v1/audit/export`), one parsed line at a time. */
export async function* getJsonLines<T>(
  connection: Connection,
  path: string,
  query: Record<string, string | null | undefined>,
  options: SubscribeOptions = {},
): AsyncGenerator<T, void, undefined> {
  const url = new URL(`${connection.baseUrl}${path}`);
  for (const [name, value] of Object.entries(query)) if (value != null) url.searchParams.set(name, value);
  const operation = `GET ${path}`;
  yield* readStream(
    connection,
    operation,
    options,
    (stream) => (attempt) => connection.httpAttempt('GET', url.toString(), undefined, 'application/x-ndjson, application/json', 'query', operation, attempt, stream),
    (response, onActivity) => readJsonLines<T>(response.body!, onActivity),
  );
}

/** GET a text/event-stream (e.g. `/v1/invalidations`): its events as they arrive; heartbeats count as activity. */
export async function* getServerSentEvents(connection: Connection, path: string, options: SubscribeOptions = {}): AsyncGenerator<ServerSentEvent, void, undefined> {
  const url = `${connection.baseUrl}${path}`;
  const operation = `GET ${path}`;
  yield* readStream(
    connection,
    operation,
    options,
    (stream) => (attempt) => connection.httpAttempt('GET', url, undefined, 'text/event-stream', 'query', operation, attempt, stream),
    (response, onActivity) => readServerSentEvents(response.body!, onActivity),
  );
}
