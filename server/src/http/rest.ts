import type { IncomingMessage } from 'node:http';
import type { App } from '../appTypes.ts';
import type { ServerContext } from '../context.ts';
import { BadRequestError } from '../domain/errors.ts';
import { MAX_VERIFY_BODY_BYTES } from '../services/verification/input.ts';
import type { RestReply } from './reply.ts';

// What a REST route sees of a request and gives back, whichever server delivered it: Yoga's fetch
// Request (tests, other hosts) or node:http straight (POST /v1/verify in the server process).

export interface RestRequest {
  method: string;
  /** The route's path, without the query. */
  path: string;
  /** Enough of a fetch Request for the credential parser and requestInfo: headers and URL. */
  request: Request;
  server: ServerContext;
  /** The body as text; throws BadRequestError beyond MAX_VERIFY_BODY_BYTES. */
  readBody(): Promise<string>;
}

export type FetchAPI = { Response: typeof Response; ReadableStream: typeof ReadableStream };

export type RestRoute = (app: App, http: RestRequest, fetchAPI: FetchAPI) => Promise<RestReply>;

const TOO_LARGE = `The request body must be at most ${MAX_VERIFY_BODY_BYTES} bytes`;

/** A fetch Request as a RestRequest. */
export function fetchRestRequest(request: Request, path: string, server: ServerContext): RestRequest {
  return { method: request.method, path, request, server, readBody: () => readFetchBody(request) };
}

/** A node:http request as a RestRequest: no fetch Request/Response objects on the hot path. */
export function nodeRestRequest(req: IncomingMessage, path: string): RestRequest {
  return { method: req.method ?? 'GET', path, request: nodeRequestView(req), server: { req }, readBody: () => readNodeBody(req) };
}

/** The parts of a fetch Request the credential parser and requestInfo read, over Node's headers. */
function nodeRequestView(req: IncomingMessage): Request {
  const headers = {
    get(name: string): string | null {
      const value = req.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
  // Only the path and query matter (the rest_api_key parameter); the Host header is not trusted here.
  return { method: req.method, headers, url: `http://localhost${req.url ?? '/'}` } as unknown as Request;
}

function readNodeBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > MAX_VERIFY_BODY_BYTES) {
    req.resume();
    return Promise.reject(new BadRequestError(TOO_LARGE));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_VERIFY_BODY_BYTES) {
        failed = true;
        reject(new BadRequestError(TOO_LARGE));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => !failed && resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', (error) => !failed && reject(error));
  });
}

/** The body of a fetch Request, refusing more than MAX_VERIFY_BODY_BYTES (16 KiB) without reading it all. */
async function readFetchBody(request: Request): Promise<string> {
  return Buffer.from(await readBoundedBody(request, MAX_VERIFY_BODY_BYTES, () => new BadRequestError(TOO_LARGE))).toString('utf8');
}

/** A fetch Request's body as sent, refusing (with `tooLarge()`) one declared or found over `maxBytes` without reading on. */
export async function readBoundedBody(request: Request, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
