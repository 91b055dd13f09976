// Helpers for resource servers: your own API asks Keywarden whether the key a client presented may
// do what the request does. `requireKey()` reads the key from the request, checks its format
// offline (a mistyped key never costs a round trip), verifies it with the client IP, endpoint and
// scopes, and either lets the request through or answers 401/403/429 — from Fetch-API handlers
// (Request → Response | null) and from Node http / Express-style middleware (req, res, next).

import type { KeywardenClient } from './client.ts';
import { KeywardenError, RateLimitedError, ServerError } from './errors.ts';
import { parseKey } from './keyFormat.ts';
import type { VerifyResult } from './types.ts';
import { VerdictCache, type CacheLookup, type VerdictCacheOptions, type VerdictCacheStats } from './verdictCache.ts';

/** Refusals the guard produces itself, besides the server's VerifyCode verdicts. */
export type GuardCode = 'MISSING_CREDENTIAL' | 'MALFORMED_KEY' | 'VERIFIER_UNAVAILABLE';

export type GuardDecision =
  | { ok: true; result: VerifyResult }
  | {
      ok: false;
      status: number;
      code: VerifyResult['code'] | GuardCode;
      message: string;
      headers: Record<string, string>;
      /** The server's verdict, when it was asked. */
      result?: VerifyResult;
      /** Why the verifier could not answer (VERIFIER_UNAVAILABLE). */
      error?: KeywardenError;
    };

/** The parts of a request the guard reads. */
export interface GuardRequest {
  method: string;
  /** The path without the query string, e.g. `/v1/tickets/42`. */
  path: string;
  /** Header lookup, lower-case names. */
  header(name: string): string | null | undefined;
  /** The end client's address. */
  ip?: string | null;
}

export interface RequireKeyOptions {
  /** A client whose credential holds keys:verify (an API key of your tenant, typically). */
  client: KeywardenClient;
  /** Scopes the request needs; all must be held. */
  scopes?: string[];
  /**
   * The endpoint to check against the key's allowed endpoints. Default `METHOD /path` of the request;
   * a string for a fixed one; null not to send one.
   */
  endpoint?: string | null | ((request: { method: string; path: string }) => string | null);
  /** Node only: the client address. Default `req.ip` (Express, honours its trust proxy) or the socket's. */
  clientIp?: (req: NodeRequestLike) => string | null | undefined;
  /**
   * Keep valid verdicts in memory (default false): a key seen again with the same address, endpoint
   * and scopes is let through without a round trip while the guard follows the tenant's
   * invalidations (GET /v1/invalidations), so a revoked, disabled or changed key is refused within
   * about a second. Keys with rate limits or usage credits always ask. `true` or
   * `{ maxEntries, maxAgeMs }` (defaults 10 000 and 30 s). Call `close()` on shutdown.
   */
  cache?: boolean | VerdictCacheOptions;
}

/** The subset of Node's IncomingMessage (and Express's Request) the guard uses. */
export interface NodeRequestLike {
  method?: string;
  url?: string;
  /** Express: the full path when a router is mounted under a prefix (`url` is relative to the mount). */
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string | undefined } | null;
  ip?: string;
  /** Set by the guard on success. */
  keywarden?: VerifyResult;
}

/** The subset of Node's ServerResponse the guard uses. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

export interface KeyGuard {
  /** The decision alone, for any framework. */
  authorize(request: GuardRequest): Promise<GuardDecision>;
  /**
   * Fetch API: null lets the request through (its verdict is then `verified(request)`); otherwise
   * the Response to send. Pass the client address: a Request does not carry it.
   */
  fetch(request: Request, info?: { ip?: string | null }): Promise<Response | null>;
  /** The verdict of a request `fetch()` let through. */
  verified(request: Request): VerifyResult | undefined;
  /** Node http / Express / Connect middleware: calls `next()` with `req.keywarden` set, or answers. */
  node: (req: NodeRequestLike, res: NodeResponseLike, next: (error?: unknown) => void) => void;
  /** The verdict cache's counters; null without `cache`. */
  cacheInfo(): VerdictCacheStats | null;
  /** Stops following invalidations and drops cached verdicts (the guard keeps working, uncached). */
  close(): void;
}

const ACCESS_TOKEN = /^kwt_[0-9A-Za-z]{20,100}$/;

const STATUS: Record<string, number> = {
  NOT_FOUND: 401,
  EXPIRED: 401,
  REVOKED: 401,
  DISABLED: 401,
  TENANT_DISABLED: 401,
  TOKEN_EXCHANGE_ONLY: 401,
  INSUFFICIENT_SCOPES: 403,
  IP_NOT_ALLOWED: 403,
  ENDPOINT_NOT_ALLOWED: 403,
  RATE_LIMITED: 429,
  USAGE_EXCEEDED: 429,
};

/** The presented credential: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(header: (name: string) => string | null | undefined): string | null {
  const authorization = header('authorization')?.trim();
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match ? match[1]! : null;
  }
  const apiKey = header('x-api-key')?.trim();
  return apiKey || null;
}

/** `::ffff:203.0.113.7` (an IPv4 client on a dual-stack socket) → `203.0.113.7`. */
export function normalizeIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

export type Refusal = Extract<GuardDecision, { ok: false }>;

function refusal(status: number, code: Refusal['code'], message: string, extra: Partial<Refusal> = {}): Refusal {
  const headers: Record<string, string> = { ...extra.headers };
  if (status === 401) headers['www-authenticate'] = `Bearer realm="api", error="invalid_token"`;
  return { ok: false, status, code, message, ...extra, headers };
}

/** Parse: the key the request presents, checked offline (a mistyped key never costs a round trip). */
function presented(request: GuardRequest): { key: string } | Refusal {
  const key = presentedKey(request.header);
  if (!key) return refusal(401, 'MISSING_CREDENTIAL', 'Send your API key as `Authorization: Bearer <key>` or `X-API-Key: <key>`');
  if (!ACCESS_TOKEN.test(key)) {
    const parsed = parseKey(key);
    if (!parsed.ok) return refusal(401, 'MALFORMED_KEY', parsed.message);
  }
  return { key };
}

/** Verify: Keywarden's verdict on the key for this request, as a decision; fails closed. */
async function verdict(options: RequireKeyOptions, key: string, request: GuardRequest, cached: CacheLookup | null, cache: VerdictCache | null): Promise<GuardDecision> {
  const ip = normalizeIp(request.ip);
  const endpoint = endpointOf(options, request.method, request.path);
  let result: VerifyResult;
  try {
    result = await options.client.verify({ key, scopes: options.scopes, ip, endpoint });
  } catch (error) {
    // Fail closed: without a verdict nothing passes.
    const wait = error instanceof RateLimitedError ? error.retryAfter : error instanceof ServerError ? error.retryAfter : undefined;
    return refusal(503, 'VERIFIER_UNAVAILABLE', 'The key could not be verified right now', {
      error: error instanceof KeywardenError ? error : undefined,
      headers: wait ? { 'retry-after': String(wait) } : {},
    });
  }
  if (result.valid) {
    if (cached) cache!.store(cached, result);
    return { ok: true, result };
  }
  const status = STATUS[result.code] ?? 403;
  return refusal(status, result.code, result.message, {
    result,
    headers: result.retryAfter ? { 'retry-after': String(result.retryAfter) } : {},
  });
}

function endpointOf(options: RequireKeyOptions, method: string, path: string): string | null {
  if (options.endpoint === null) return null;
  if (typeof options.endpoint === 'string') return options.endpoint;
  if (typeof options.endpoint === 'function') return options.endpoint({ method, path });
  return `${method.toUpperCase()} ${path}`;
}

/** Respond: a refusal as the HTTP answer every guard sends (Fetch, Node, and the framework guards). */
export function answer(decision: Refusal): { status: number; headers: Record<string, string>; body: string } {
  const body = JSON.stringify({
    error: {
      code: decision.code,
      message: decision.message,
      ...(decision.result?.missingScopes?.length ? { missingScopes: decision.result.missingScopes } : {}),
    },
  });
  return {
    status: decision.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...decision.headers },
    body,
  };
}

export function requireKey(options: RequireKeyOptions): KeyGuard {
  const cache = options.cache ? new VerdictCache(options.client, options.cache === true ? {} : options.cache) : null;

  async function authorize(request: GuardRequest): Promise<GuardDecision> {
    // Only valid verdicts are kept (a refusal always comes from the server), so a kept one needs no
    // format check either.
    let cached: CacheLookup | null = null;
    if (cache) {
      const key = presentedKey(request.header);
      if (key) {
        cached = cache.lookup(key, normalizeIp(request.ip), endpointOf(options, request.method, request.path), options.scopes);
        if (cached.hit) return { ok: true, result: cached.hit };
      }
    }
    const parsed = presented(request);
    return 'key' in parsed ? verdict(options, parsed.key, request, cached, cache) : parsed;
  }

  const verdicts = new WeakMap<Request, VerifyResult>();

  return {
    authorize,

    async fetch(request, info = {}) {
      const url = new URL(request.url);
      const decision = await authorize({ method: request.method, path: url.pathname, header: (n) => request.headers.get(n), ip: info.ip });
      if (decision.ok) {
        verdicts.set(request, decision.result);
        return null;
      }
      const { status, headers, body } = answer(decision);
      return new Response(body, { status, headers });
    },

    verified: (request) => verdicts.get(request),

    cacheInfo: () => cache?.info() ?? null,

    close: () => cache?.close(),

    node: (req, res, next) => {
      const path = (req.originalUrl ?? req.url ?? '/').split('?')[0] || '/';
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const ip = options.clientIp ? options.clientIp(req) : (req.ip ?? req.socket?.remoteAddress);
      authorize({ method: req.method ?? 'GET', path, header, ip }).then(
        (decision) => {
          if (decision.ok) {
            req.keywarden = decision.result;
            next();
            return;
          }
          const { status, headers, body } = answer(decision);
          res.statusCode = status;
          for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
          res.end(body);
        },
        (error) => next(error),
      );
    },
  };
}
