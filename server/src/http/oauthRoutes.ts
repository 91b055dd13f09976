import type { App } from '../appTypes.ts';
import { requestInfo } from '../context.ts';
import type { RequestInfo, TenantCaller } from '../domain/caller.ts';
import { AuthenticationError, KeywardenError, MethodNotAllowedError, RateLimitedError, type ErrorCode } from '../domain/errors.ts';
import { authenticate } from '../services/authentication.ts';
import { introspectAccessToken, issueAccessToken, OAuthError, revokeAccessToken, type ClientCredentials, type OAuthErrorCode } from '../services/accessTokens.ts';
import { idempotencyKeyOf } from '../services/idempotency.ts';
import { scopeListProblem } from '../services/verification/input.ts';
import { presentedCredential } from './credentials.ts';
import { bearerChallenge, HTTP_STATUS, httpHeaders, restFailure, type ErrorFormat } from './errors.ts';
import { INTROSPECT_PATH, issuerOf, REVOKE_PATH, TOKEN_PATH } from './oauthMetadata.ts';
import type { TextReply } from './reply.ts';
import type { RestRequest } from './rest.ts';

export { INTROSPECT_PATH, REVOKE_PATH, TOKEN_PATH } from './oauthMetadata.ts';

const VERIFY_SCOPE = 'keys:verify';
const BASIC_CHALLENGE = 'Basic realm="keywarden", charset="UTF-8"';

// RFC 6749 §5.1: token responses, and errors, must not be cached.
const HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' });

/**
 * POST /oauth/token (grant_type=client_credentials, optional `scope`), POST /oauth/revoke
 * (`token`) and POST /oauth/introspect (`token`, RFC 7662). The client authenticates with HTTP
 * Basic (client_id:client_secret) or with client_id and client_secret parameters (introspection
 * also with a Bearer credential); parameters come form-encoded (the standard) or as JSON.
 */
export async function oauthRoute(app: App, http: RestRequest): Promise<TextReply> {
  const { request, path } = http;
  // Not resolveRequest: the client is proven by the grant itself, once (its rate limit counts once).
  const info = requestInfo(app, request, http.server);
  try {
    if (request.method !== 'POST') throw new MethodNotAllowedError('POST');
    const params = readParams(request, await http.readBody());
    if (path === INTROSPECT_PATH) return await introspect(app, request, params, info);
    const client = clientCredentials(request, params);
    if (path === TOKEN_PATH) {
      const grant = params.get('grant_type');
      if (grant === undefined) throw new OAuthError(400, 'invalid_request', 'grant_type is required');
      if (grant !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');
      const issued = await issueAccessToken(app, client, scopeParameter(params.get('scope')), info, idempotencyKeyOf(request.headers));
      return {
        status: 200,
        headers: HEADERS,
        body: JSON.stringify({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresInSeconds, scope: issued.scopes.join(' ') }),
      };
    }
    const token = params.get('token');
    if (!token) throw new OAuthError(400, 'invalid_request', 'token is required');
    await revokeAccessToken(app, client, token, info, idempotencyKeyOf(request.headers));
    return { status: 200, headers: HEADERS, body: '{}' };
  } catch (caught) {
    return restFailure(app.logger, caught, { requestId: info.id, route: path }, OAUTH_ERRORS);
  }
}

/** The Keywarden codes an OAuth route answers in RFC 6749 terms; any other is unexpected there. */
const OAUTH_CODES: Partial<Record<ErrorCode, OAuthErrorCode>> = {
  BAD_REQUEST: 'invalid_request',
  // An Idempotency-Key used with another request, or still running (409).
  CONFLICT: 'invalid_request',
  METHOD_NOT_ALLOWED: 'invalid_request',
  SERVICE_UNAVAILABLE: 'temporarily_unavailable',
  OVERLOADED: 'temporarily_unavailable',
};

function oauthReply(status: number, error: string, description: string, headers: Record<string, string> = {}, challenge?: string): TextReply {
  // RFC 6749 §5.2 and RFC 7235 §3.1: every 401 names the client authentication scheme to use.
  if (status === 401 || challenge !== undefined) headers['www-authenticate'] = challenge ?? BASIC_CHALLENGE;
  return { status, headers: { ...HEADERS, ...headers }, body: JSON.stringify({ error, error_description: description }) };
}

/** RFC 6749 §5.2 bodies, `{ error, error_description }`, for OAuthError and the codes above. */
const OAUTH_ERRORS: ErrorFormat = {
  expected(error) {
    if (error instanceof OAuthError) return oauthReply(error.status, error.code, error.message, error.retryAfter === undefined ? {} : { 'retry-after': String(error.retryAfter) }, error.challenge);
    if (!(error instanceof KeywardenError)) return null;
    const code = OAUTH_CODES[error.code];
    return code === undefined ? null : oauthReply(HTTP_STATUS[error.code], code, error.message, httpHeaders(error));
  },
  unexpected: (requestId) => oauthReply(500, 'server_error', `Unexpected error (request id ${requestId})`),
};

/** Form-encoded or JSON parameters, each at most once (RFC 6749 §3.2), all strings. */
function readParams(request: Request, text: string): Map<string, string> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const params = new Map<string, string>();
  if (type === 'application/x-www-form-urlencoded') {
    for (const [name, value] of new URLSearchParams(text)) {
      if (params.has(name)) throw new OAuthError(400, 'invalid_request', `${name.slice(0, 40)} is given more than once`);
      params.set(name, value);
    }
    return params;
  }
  if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new OAuthError(400, 'invalid_request', 'The request body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new OAuthError(400, 'invalid_request', 'The request body must be a JSON object');
    for (const [name, value] of Object.entries(body)) {
      if (typeof value !== 'string') throw new OAuthError(400, 'invalid_request', `${name.slice(0, 40)} must be a string`);
      params.set(name, value);
    }
    return params;
  }
  throw new OAuthError(400, 'invalid_request', 'Send the parameters as application/x-www-form-urlencoded (or application/json)');
}

/** HTTP Basic (client_secret_basic) or parameters (client_secret_post); exactly one of them. */
function clientCredentials(request: Request, params: Map<string, string>): ClientCredentials {
  const inParams = params.has('client_id') || params.has('client_secret');
  if (request.headers.get('authorization')) {
    if (inParams) throw new OAuthError(400, 'invalid_request', 'Authenticate the client one way: HTTP Basic or client_id and client_secret, not both');
    const presented = presentedCredential(request);
    if (presented?.kind !== 'basic') throw new OAuthError(401, 'invalid_client', 'Authenticate the client with HTTP Basic (client_id:client_secret) or client_id and client_secret parameters');
    const decoded = formDecoded(presented.publicId, presented.secret);
    return { clientId: decoded.publicId, clientSecret: decoded.secret };
  }
  const clientId = params.get('client_id');
  const clientSecret = params.get('client_secret');
  if (!clientId || !clientSecret) throw new OAuthError(401, 'invalid_client', 'client_id and client_secret are required (or HTTP Basic)');
  return { clientId, clientSecret };
}

/** `scope`: space-separated names; absent or empty: every scope of the key. */
function scopeParameter(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  const names = value.trim().split(/ +/);
  const problem = scopeListProblem(names);
  if (problem !== null) throw new OAuthError(400, 'invalid_scope', problem);
  return names;
}

/**
 * RFC 7662 introspection for the resource servers of a tenant: the caller authenticates as for
 * POST /v1/verify (a credential of the tenant holding keys:verify), as an OAuth client (HTTP Basic
 * or client_id and client_secret) or with its Bearer key or token. The answer for any token that
 * is not an active access token of the caller's tenant is `{"active": false}`, and nothing more.
 */
async function introspect(app: App, request: Request, params: Map<string, string>, info: RequestInfo): Promise<TextReply> {
  const caller = await introspectionCaller(app, request, params, info);
  const token = params.get('token');
  if (!token) throw new OAuthError(400, 'invalid_request', 'token is required');
  // token_type_hint is only a hint (RFC 7662 §2.1): access tokens are all there is to introspect.
  const active = await introspectAccessToken(app, caller.tenantId, token);
  const body =
    active === null
      ? { active: false }
      : {
        active: true,
        scope: active.scopes.join(' '),
        client_id: active.clientId,
        token_type: 'Bearer',
        exp: Math.floor(active.expiresAt.getTime() / 1000),
        iat: Math.floor(active.issuedAt.getTime() / 1000),
        sub: active.keyId,
        iss: issuerOf(app, request),
        jti: active.tokenId,
      };
  return { status: 200, headers: HEADERS, body: JSON.stringify(body) };
}

/** The resource server asking: any credential of a tenant that holds keys:verify. */
async function introspectionCaller(app: App, request: Request, params: Map<string, string>, info: RequestInfo): Promise<TenantCaller> {
  const inParams = params.has('client_id') || params.has('client_secret');
  const header = request.headers.get('authorization');
  if (header && inParams) throw new OAuthError(400, 'invalid_request', 'Authenticate one way: an Authorization header or client_id and client_secret, not both');
  let presented = header ? presentedCredential(request) : null;
  if (presented?.kind === 'basic') presented = { kind: 'basic', ...formDecoded(presented.publicId, presented.secret) };
  if (inParams) {
    const clientId = params.get('client_id');
    const clientSecret = params.get('client_secret');
    if (!clientId || !clientSecret) throw new OAuthError(401, 'invalid_client', 'client_id and client_secret are both required');
    presented = { kind: 'basic', publicId: clientId, secret: clientSecret };
  }
  const bearer = presented?.kind === 'token';
  if (presented === null) {
    // No credential: both ways are offered (RFC 6750 §3.1: no error code in the Bearer challenge).
    throw new OAuthError(401, 'invalid_client', `Authenticate with a credential of your tenant that holds ${VERIFY_SCOPE} (HTTP Basic, client_id and client_secret, or Bearer)`, undefined, `${BASIC_CHALLENGE}, Bearer realm="keywarden"`);
  }
  let caller;
  try {
    caller = await authenticate(app, presented, info);
  } catch (error) {
    if (error instanceof AuthenticationError) {
      throw bearer ? new OAuthError(401, 'invalid_token', error.message, undefined, bearerChallenge(error)) : new OAuthError(401, 'invalid_client', 'Client authentication failed');
    }
    if (error instanceof RateLimitedError) throw new OAuthError(429, 'slow_down', error.message, error.retryAfterSeconds);
    throw error;
  }
  if (caller.kind === 'platform' || caller.kind === 'anonymous' || !caller.scopes.has(VERIFY_SCOPE)) {
    const message = caller.kind === 'platform' ? `Introspection needs a credential of the token's tenant that holds ${VERIFY_SCOPE}` : `The credential does not hold ${VERIFY_SCOPE}`;
    // RFC 6750 §3.1: insufficient_scope is a 403, with its challenge for a Bearer caller.
    throw new OAuthError(403, 'insufficient_scope', message, undefined, bearer ? `Bearer realm="keywarden", error="insufficient_scope", scope="${VERIFY_SCOPE}"` : undefined);
  }
  return caller;
}

/** RFC 6749 §2.3.1: both halves of client Basic credentials are form-encoded before Basic encoding. */
function formDecoded(publicId: string, secret: string): { publicId: string; secret: string } {
  try {
    return { publicId: decodeURIComponent(publicId.replace(/\+/g, ' ')), secret: decodeURIComponent(secret.replace(/\+/g, ' ')) };
  } catch {
    throw new OAuthError(401, 'invalid_client', 'Client authentication failed');
  }
}
