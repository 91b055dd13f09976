import type { Plugin } from 'graphql-yoga';
import type { App } from '../appTypes.ts';
import { requestInfo, type RequestInfo, type ServerContext } from '../context.ts';
import { BadRequestError } from '../domain/errors.ts';
import { isDatabaseUnavailable, serviceUnavailable } from '../db/unavailable.ts';
import { issueAccessToken, OAuthError, revokeAccessToken, type ClientCredentials } from '../services/accessTokens.ts';
import { scopeListProblem } from '../services/verification/input.ts';
import { presentedCredential } from './credentials.ts';
import { readFetchBody } from './verifyRoute.ts';

export const TOKEN_PATH = '/oauth/token';
export const REVOKE_PATH = '/oauth/revoke';

// RFC 6749 §5.1: token responses, and errors, must not be cached.
const HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' });

interface OAuthResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/**
 * POST /oauth/token (grant_type=client_credentials, optional `scope`) and POST /oauth/revoke
 * (`token`). The client authenticates with HTTP Basic (client_id:client_secret) or with
 * client_id and client_secret parameters; parameters come form-encoded (the standard) or as JSON.
 */
export function useOAuthRoutes(app: App): Plugin<Record<string, unknown>, ServerContext> {
  return {
    onRequest({ request, url, endResponse, serverContext, fetchAPI }) {
      if (url.pathname !== TOKEN_PATH && url.pathname !== REVOKE_PATH) return;
      // Headers copied: the Response may add to the object it is given.
      return handle(app, url.pathname, request, serverContext).then((r) => endResponse(new fetchAPI.Response(r.body, { status: r.status, headers: { ...r.headers } })));
    },
  };
}

async function handle(app: App, path: string, request: Request, server: ServerContext): Promise<OAuthResponse> {
  const info = requestInfo(app, request, server);
  const usedBasic = (request.headers.get('authorization') ?? '').trim().toLowerCase().startsWith('basic ');
  if (request.method !== 'POST') return failure(new OAuthError(405, 'invalid_request', 'Use POST'), usedBasic, { allow: 'POST' });
  try {
    const params = await readParams(request);
    const client = clientCredentials(request, params);
    if (path === TOKEN_PATH) {
      const grant = params.get('grant_type');
      if (grant === undefined) throw new OAuthError(400, 'invalid_request', 'grant_type is required');
      if (grant !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');
      const issued = await issueAccessToken(app, client, scopeParameter(params.get('scope')), info);
      return {
        status: 200,
        headers: HEADERS,
        body: JSON.stringify({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresInSeconds, scope: issued.scopes.join(' ') }),
      };
    }
    const token = params.get('token');
    if (!token) throw new OAuthError(400, 'invalid_request', 'token is required');
    await revokeAccessToken(app, client, token, info);
    return { status: 200, headers: HEADERS, body: '{}' };
  } catch (caught) {
    if (caught instanceof OAuthError) return failure(caught, usedBasic);
    if (caught instanceof BadRequestError) return failure(new OAuthError(400, 'invalid_request', caught.message), usedBasic);
    if (isDatabaseUnavailable(caught)) {
      const refusal = serviceUnavailable(app.logger, caught, { requestId: info.id, route: path });
      return failure(new OAuthError(503, 'temporarily_unavailable', refusal.message, refusal.retryAfterSeconds), usedBasic);
    }
    return unexpected(app, caught, info);
  }
}

function failure(error: OAuthError, usedBasic: boolean, extra: Record<string, string> = {}): OAuthResponse {
  const headers: Record<string, string> = { ...HEADERS, ...extra };
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  // RFC 6749 §5.2: a client that tried HTTP Basic is told the scheme to use.
  if (error.status === 401 && usedBasic) headers['www-authenticate'] = 'Basic realm="keywarden", charset="UTF-8"';
  return { status: error.status, headers, body: JSON.stringify({ error: error.code, error_description: error.message }) };
}

function unexpected(app: App, error: unknown, info: RequestInfo): OAuthResponse {
  app.logger.error({ err: error, requestId: info.id }, 'unexpected error in an OAuth route');
  return { status: 500, headers: HEADERS, body: JSON.stringify({ error: 'server_error', error_description: `Unexpected error (request id ${info.id})` }) };
}

/** Form-encoded or JSON parameters, each at most once (RFC 6749 §3.2), all strings. */
async function readParams(request: Request): Promise<Map<string, string>> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const text = await readFetchBody(request);
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
    // RFC 6749 §2.3.1: both halves are form-encoded before Basic encoding.
    try {
      return { clientId: decodeURIComponent(presented.publicId.replace(/\+/g, ' ')), clientSecret: decodeURIComponent(presented.secret.replace(/\+/g, ' ')) };
    } catch {
      throw new OAuthError(401, 'invalid_client', 'Client authentication failed');
    }
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
