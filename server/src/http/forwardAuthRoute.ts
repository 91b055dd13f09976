import type { App } from '../appTypes.ts';
import { requestIdOf, requestInfo } from '../context.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from '../db/unavailable.ts';
import type { Caller, PresentedCredential, RequestInfo } from '../domain/caller.ts';
import { clientAddress, compileTrustedProxies } from '../domain/clientAddress.ts';
import { AuthenticationError, BadRequestError } from '../domain/errors.ts';
import { normalizeEndpointPath } from '../domain/endpoints.ts';
import { authenticate } from '../services/authentication.ts';
import { compiledRouteMap } from '../services/routeMaps.ts';
import { OverloadedError, type VerifyOutcome } from '../services/verification/index.ts';
import { presentedCredential } from './credentials.ts';
import type { TextReply } from './reply.ts';
import type { RestRequest } from './rest.ts';

/**
 * /v1/forward-auth, any method: a reverse proxy asks whether its client's request may pass
 * (NGINX auth_request, Traefik ForwardAuth, Caddy forward_auth, Envoy ext_authz in HTTP mode).
 *
 * The original request is read from the proxy's headers: `X-Original-Method` + `X-Original-URI`
 * (NGINX), `X-Forwarded-Method` + `X-Forwarded-Uri` (Traefik, Caddy); or, under
 * `/v1/forward-auth/envoy` (Envoy's `path_prefix`), from the request itself: its method, and its
 * path and query after the prefix. The proxy proves itself with a `keys:verify` credential of the
 * tenant in `X-Keywarden-Caller`; the end client's credential is wherever the client put it (any
 * form http/credentials.ts reads; `?rest_api_key=` from the original URI). The client's address
 * is the peer's, or behind KEYWARDEN_TRUSTED_PROXIES the forwarded one (domain/clientAddress.ts).
 *
 * The tenant's route map (domain/routeMap.ts) names the scopes the original method and normalized
 * path need; the verification pipeline then judges the credential as POST /v1/verify does
 * (endpoint globs on the original method and path, IP rules, scopes, rate limits), from the same
 * caches. Answers have no body:
 *   200 + identity headers (prefix KEYWARDEN_FORWARD_AUTH_HEADER_PREFIX, default `X-Keywarden-`):
 *       Key-Id, Tenant-Id, Owner, Scopes (space-separated), External-Id (the key's identity,
 *       else a string `metadata.externalId`);
 *   401 + WWW-Authenticate: no credential, or one that is unknown, malformed or wrong;
 *   403 + `<prefix>Refusal: <code>`: a known key that may not pass (REVOKED, INSUFFICIENT_SCOPES,
 *       IP_NOT_ALLOWED, ENDPOINT_NOT_ALLOWED, …), or ROUTE_NOT_ALLOWED (no route, default DENY);
 *   429 + Retry-After: the key's rate limit, or too many failed attempts;
 *   400 BAD_REQUEST: the proxy sent no usable original method or URI (a misconfiguration);
 *   401/403 `<prefix>Refusal: CALLER_UNAUTHENTICATED` / `CALLER_FORBIDDEN`: the proxy's own
 *       credential is missing, wrong, or lacks keys:verify;
 *   503 + Retry-After: argon2 capacity exhausted or the database out of reach.
 */
export const FORWARD_AUTH_PATH = '/v1/forward-auth';
export const ENVOY_PREFIX = `${FORWARD_AUTH_PATH}/envoy`;
const CALLER_HEADER = 'x-keywarden-caller';
const VERIFY_SCOPE = 'keys:verify';
const MAX_URI_LENGTH = 2048;
const METHOD = /^[A-Za-z]{1,20}$/;
const URI_CHARACTERS = /^\/[\x21-\x7e]*$/;
const EXTERNAL_ID = /^[\x20-\x7e]{1,200}$/;
/** The proxy's own address: the TCP peer, never a forwarded one. */
const NO_PROXIES = compileTrustedProxies([]);
const NO_BODY_HEADERS = Object.freeze({ 'cache-control': 'no-store' });

/** Whether a request target (path and query) is forward-auth's. */
export function isForwardAuthPath(target: string): boolean {
  if (!target.startsWith(FORWARD_AUTH_PATH)) return false;
  const next = target.charAt(FORWARD_AUTH_PATH.length);
  return next === '' || next === '?' || target.startsWith(`${ENVOY_PREFIX}/`) || target === ENVOY_PREFIX || target.startsWith(`${ENVOY_PREFIX}?`);
}

interface Original {
  method: string;
  /** Path and query as the client sent them. */
  uri: string;
  /** Envoy removes the headers it is told to from the request it forwards upstream. */
  envoy: boolean;
}

export async function forwardAuthRoute(app: App, http: RestRequest): Promise<TextReply> {
  const requestId = requestIdOf(http.request);
  const prefix = app.config.forwardAuth.headerPrefix;
  const reply = (status: number, headers: Record<string, string> = {}): TextReply => ({
    status,
    headers: { ...NO_BODY_HEADERS, ...headers, 'x-request-id': requestId },
    body: '',
  });
  const refuse = (status: number, code: string, headers: Record<string, string> = {}) => reply(status, { ...headers, [`${prefix}refusal`]: code });

  try {
    const original = originalRequest(http);
    if (typeof original === 'string') return refuse(400, 'BAD_REQUEST', { [`${prefix}problem`]: original });

    const info = requestInfo(app, http.request, http.server);
    const caller = await proxyCaller(app, http, info);
    if (caller === 'missing' || caller === 'refused') {
      return refuse(401, 'CALLER_UNAUTHENTICATED', { 'www-authenticate': 'Bearer realm="keywarden-forward-auth-caller"' });
    }
    if (caller.kind === 'anonymous' || caller.kind === 'platform' || !caller.scopes.has(VERIFY_SCOPE)) return refuse(403, 'CALLER_FORBIDDEN');

    // The end client's credential, in the headers, or in the original URI's query where the tenant allows it.
    let credential: PresentedCredential | null;
    try {
      credential = presentedCredential({ headers: http.request.headers, url: `http://original${original.uri}` } as Request);
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error;
      return reply(401, { 'www-authenticate': 'Bearer realm="keywarden", error="invalid_request"' });
    }
    if (credential === null) return reply(401, { 'www-authenticate': 'Bearer realm="keywarden"' });

    const path = normalizeEndpointPath(original.uri);
    if (!path.ok) return refuse(403, 'ENDPOINT_NOT_ALLOWED');
    const route = (await compiledRouteMap(app, caller.tenantId)).requiredScopes(original.method, path.path);
    if (!route.allowed) return refuse(403, 'ROUTE_NOT_ALLOWED');

    const outcome = await app.verification.verify({
      credential: credential.kind === 'basic' ? credential : { kind: 'text', text: credential.text },
      path: 'forward_auth',
      tenantId: caller.tenantId,
      ip: info.ip,
      throttleAddress: info.ip,
      endpoint: `${original.method} ${original.uri}`,
      requiredScopes: route.scopes,
      viaQueryParameter: credential.kind === 'token' && credential.source === 'query',
      requestInfo: info,
    });
    if (outcome.valid) return reply(200, identityHeaders(prefix, outcome, original.envoy ? credentialHeader(credential) : null));
    return refusal(outcome, refuse, reply);
  } catch (error) {
    if (error instanceof OverloadedError) return refuse(503, 'OVERLOADED', { 'retry-after': String(error.retryAfterSeconds) });
    if (isDatabaseUnavailable(error)) {
      app.logger.warn({ requestId, route: FORWARD_AUTH_PATH }, 'forward-auth: the database cannot be reached');
      return refuse(503, 'SERVICE_UNAVAILABLE', { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
    }
    app.logger.error({ err: error, requestId, route: FORWARD_AUTH_PATH }, `unexpected error in ${FORWARD_AUTH_PATH}`);
    return refuse(500, 'INTERNAL_SERVER_ERROR');
  }
}

/** The original method and URI, or what is wrong with what the proxy sent. */
function originalRequest(http: RestRequest): Original | string {
  const headers = http.request.headers;
  let method: string | null;
  let uri: string | null;
  let envoy = false;
  if (http.path === ENVOY_PREFIX || http.path.startsWith(`${ENVOY_PREFIX}/`)) {
    // Envoy's path_prefix: the authorization request is the original's method and target, prefixed.
    const target = targetOf(http.request.url);
    method = http.method;
    uri = target.slice(ENVOY_PREFIX.length);
    if (uri === '' || uri.startsWith('?')) uri = `/${uri}`;
    envoy = true;
  } else if (headers.get('x-original-uri') !== null) {
    method = headers.get('x-original-method');
    uri = headers.get('x-original-uri');
  } else {
    method = headers.get('x-forwarded-method');
    uri = headers.get('x-forwarded-uri');
  }
  if (uri === null || uri === '') return 'no original URI: send X-Original-URI (NGINX) or X-Forwarded-Uri (Traefik, Caddy), or use /v1/forward-auth/envoy';
  if (method === null || method === '') return 'no original method: send X-Original-Method (NGINX) or X-Forwarded-Method (Traefik, Caddy)';
  if (!METHOD.test(method)) return 'the original method must be 1 to 20 letters';
  if (uri.length > MAX_URI_LENGTH || !URI_CHARACTERS.test(uri)) return `the original URI must start with "/" and be at most ${MAX_URI_LENGTH} printable characters`;
  return { method: method.toUpperCase(), uri, envoy };
}

/** The path and query of a request URL, as sent (the node:http view keeps it raw). */
function targetOf(url: string): string {
  const afterScheme = url.indexOf('//');
  const slash = url.indexOf('/', afterScheme + 2);
  return slash === -1 ? '/' : url.slice(slash);
}

/** The proxy's own credential: `X-Keywarden-Caller: Bearer <credential>` (or the credential alone). */
async function proxyCaller(app: App, http: RestRequest, info: RequestInfo): Promise<Caller | 'missing' | 'refused'> {
  const value = http.request.headers.get(CALLER_HEADER)?.trim();
  if (!value) return 'missing';
  if (value.length > 512) return 'refused';
  const text = /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '') : value;
  const socketAddress = http.server?.req?.socket?.remoteAddress ?? '127.0.0.1';
  const callerInfo: RequestInfo = { ...info, ip: clientAddress({ socketAddress, headers: http.request.headers, trustedProxies: NO_PROXIES }) };
  try {
    return await authenticate(app, { kind: 'token', text, source: 'bearer' }, callerInfo);
  } catch (error) {
    if (error instanceof AuthenticationError) return 'refused';
    throw error;
  }
}

function identityHeaders(prefix: string, outcome: Extract<VerifyOutcome, { valid: true }>, remove: string | null): Record<string, string> {
  const headers: Record<string, string> = {
    [`${prefix}key-id`]: outcome.keyId,
    [`${prefix}tenant-id`]: outcome.tenantId,
    [`${prefix}owner`]: outcome.ownerId,
    [`${prefix}scopes`]: outcome.scopeList.join(' '),
  };
  // The key's identity; for keys made before identities, a string `externalId` in its metadata.
  const metadata = outcome.metadata;
  const externalId = outcome.externalId ?? (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? (metadata as Record<string, unknown>).externalId : undefined);
  if (typeof externalId === 'string' && EXTERNAL_ID.test(externalId)) headers[`${prefix}external-id`] = externalId;
  // Envoy drops the headers named here from the request it forwards: the upstream never sees the key.
  if (remove !== null) headers['x-envoy-auth-headers-to-remove'] = remove;
  return headers;
}

function credentialHeader(credential: PresentedCredential): string | null {
  if (credential.kind === 'basic') return 'authorization';
  if (credential.source === 'x-api-key') return 'x-api-key';
  return credential.source === 'query' ? null : 'authorization';
}

function refusal(
  outcome: Extract<VerifyOutcome, { valid: false }>,
  refuse: (status: number, code: string, headers?: Record<string, string>) => TextReply,
  reply: (status: number, headers?: Record<string, string>) => TextReply,
): TextReply {
  switch (outcome.code) {
    case 'NOT_FOUND':
      return reply(401, { 'www-authenticate': 'Bearer realm="keywarden", error="invalid_token"' });
    case 'RATE_LIMITED':
      return refuse(429, outcome.code, { 'retry-after': String(outcome.retryAfter ?? 1) });
    default:
      return refuse(403, outcome.code);
  }
}
