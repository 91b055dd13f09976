import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { App } from '../appTypes.ts';
import type { RequestInfo, ServerContext } from '../context.ts';
import { requestIdOf, requestInfo } from '../context.ts';
import { BadRequestError, HTTP_STATUS, KeywardenError } from '../domain/errors.ts';
import { isDatabaseUnavailable, serviceUnavailable } from '../db/unavailable.ts';
import { authenticate } from '../services/authentication.ts';
import { presentedCredential } from './credentials.ts';
import { OverloadedError } from '../services/verification/index.ts';
import { MAX_VERIFY_BODY_BYTES, parseVerifyInput, verifyResponseBody } from '../services/verification/input.ts';

export const VERIFY_PATH = '/v1/verify';
const VERIFY_SCOPE = 'keys:verify';
const TOO_LARGE = `The request body must be at most ${MAX_VERIFY_BODY_BYTES} bytes`;

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });

/** What the handler needs of an HTTP request, whichever server delivered it. */
interface VerifyHttpRequest {
  method: string;
  /** Enough of a fetch Request for the credential parser and requestInfo: headers and URL. */
  request: Request;
  server: ServerContext;
  /** The body as text; throws BadRequestError beyond MAX_VERIFY_BODY_BYTES. */
  readBody(): Promise<string>;
}

interface VerifyHttpResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/**
 * POST /v1/verify. Every verdict is HTTP 200; 400 for a malformed request, 401/403 for a caller
 * that may not verify, 429 for a throttled caller, 503 with Retry-After when argon2 capacity is
 * exhausted (OVERLOADED) or the database cannot be reached (SERVICE_UNAVAILABLE): never a verdict
 * that was not made. Never goes through GraphQL parsing, validation or execution.
 */
async function handleVerify(app: App, http: VerifyHttpRequest): Promise<VerifyHttpResponse> {
  const info = requestInfo(app, http.request, http.server);
  if (http.method !== 'POST') return refusal(info, 405, 'METHOD_NOT_ALLOWED', 'Use POST with a JSON body', {}, { allow: 'POST' });

  try {
    const caller = await authenticate(app, presentedCredential(http.request), info);
    if (caller.kind === 'anonymous') return refusal(info, 401, 'UNAUTHENTICATED', 'Authenticate with a credential of your tenant that holds keys:verify');
    if (caller.kind === 'platform') return refusal(info, 403, 'FORBIDDEN', "Verification needs a credential of the key's tenant", { missingScopes: [VERIFY_SCOPE] });
    if (!caller.scopes.has(VERIFY_SCOPE)) return refusal(info, 403, 'FORBIDDEN', `Missing scope: ${VERIFY_SCOPE}`, { missingScopes: [VERIFY_SCOPE] });

    const input = parseVerifyInput(parseJson(await http.readBody()));
    const outcome = await app.verification.verify({
      credential: { kind: 'text', text: input.key },
      tenantId: caller.tenantId,
      ip: input.ip,
      throttleAddress: input.ip ?? info.ip,
      endpoint: input.endpoint,
      requiredScopes: input.scopes,
    });
    return { status: 200, headers: { ...JSON_HEADERS, 'x-request-id': info.id }, body: JSON.stringify(verifyResponseBody(outcome)) };
  } catch (thrown) {
    const caught = isDatabaseUnavailable(thrown) ? serviceUnavailable(app.logger, thrown, { requestId: info.id, route: VERIFY_PATH }) : thrown;
    if (caught instanceof OverloadedError) {
      return refusal(info, 503, 'OVERLOADED', caught.message, { retryAfter: caught.retryAfterSeconds }, { 'retry-after': String(caught.retryAfterSeconds) });
    }
    if (caught instanceof KeywardenError) {
      const details = caught.details();
      const headers: Record<string, string> = typeof details.retryAfter === 'number' ? { 'retry-after': String(details.retryAfter) } : {};
      return refusal(info, HTTP_STATUS[caught.code], caught.code, caught.message, details, headers);
    }
    app.logger.error({ err: caught, requestId: info.id }, 'unexpected error in verify');
    return refusal(info, 500, 'INTERNAL_SERVER_ERROR', `Unexpected error (request id ${info.id})`);
  }
}

/** A request that gets no verdict: `{ error: { code, message, requestId, ...extra } }`. */
function refusal(
  info: RequestInfo,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): VerifyHttpResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers, 'x-request-id': info.id }, body: JSON.stringify({ error: { code, message, requestId: info.id, ...extra } }) };
}

function parseJson(text: string): unknown {
  if (text.length === 0) throw new BadRequestError('The request body must be JSON: {"key": "...", "scopes": [...], "ip": "...", "endpoint": "..."}');
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON');
  }
}

function isVerifyPath(pathWithQuery: string): boolean {
  return pathWithQuery === VERIFY_PATH || pathWithQuery.startsWith(`${VERIFY_PATH}?`);
}

/**
 * The route as a Yoga plugin answering in onRequest: serves `yoga.fetch` (tests, other hosts).
 */
export function useVerifyRoute(app: App): Plugin<Record<string, unknown>, ServerContext> {
  return {
    onRequest({ request, url, endResponse, serverContext, fetchAPI }) {
      if (url.pathname !== VERIFY_PATH) return;
      return handleVerify(app, { method: request.method, request, server: serverContext, readBody: () => readFetchBody(request) }).then((r) =>
        // A copy: the Response may add to the object it is given (Content-Length), and r.headers
        // can be the shared JSON_HEADERS.
        endResponse(new fetchAPI.Response(r.body, { status: r.status, headers: { ...r.headers } })),
      );
    },
  };
}

/**
 * The Node request listener the server process uses: POST /v1/verify straight from node:http
 * (no fetch Request/Response objects on the hot path), everything else through Yoga.
 */
export function createRequestListener(app: App): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (!isVerifyPath(req.url ?? '')) {
      void app.yoga(req, res);
      return;
    }
    const request = nodeRequestView(req);
    void handleVerify(app, {
      method: req.method ?? 'GET',
      request,
      server: { req },
      readBody: () => readNodeBody(req),
    }).then(
      (r) => {
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      },
      (error) => {
        const requestId = requestIdOf(request);
        app.logger.error({ err: error, requestId }, 'verify route failed');
        if (!res.headersSent) res.writeHead(500, { ...JSON_HEADERS, 'x-request-id': requestId });
        res.end(JSON.stringify({ error: { code: 'INTERNAL_SERVER_ERROR', message: `Unexpected error (request id ${requestId})`, requestId } }));
      },
    );
  };
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
export async function readFetchBody(request: Request): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > MAX_VERIFY_BODY_BYTES) throw new BadRequestError(TOO_LARGE);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_VERIFY_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw new BadRequestError(TOO_LARGE);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
