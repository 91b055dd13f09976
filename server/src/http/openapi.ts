import type { App } from '../appTypes.ts';
import { requestIdOf } from '../context.ts';
import { ERROR_CODES, MethodNotAllowedError } from '../domain/errors.ts';
import { VERIFY_CODES } from '../services/verification/codes.ts';
import { restFailure } from './errors.ts';
import type { TextReply } from './reply.ts';
import type { RestRequest } from './rest.ts';

// The OpenAPI 3.1 description of every REST route (GraphQL describes itself: schema.graphql).
// One entry of API_OPERATIONS per path and method; a new route adds its entry (and any schema it
// names to SCHEMAS). The test harness checks every REST answer of the tests against this document.

export const OPENAPI_PATH = '/openapi.json';

/** A JSON Schema (2020-12, OpenAPI 3.1's dialect). */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface ApiMedia {
  schema: JsonSchema;
}

export interface ApiResponse {
  description: string;
  /** By media type (without parameters). Absent: no body. */
  content?: Readonly<Record<string, ApiMedia>>;
  /** Headers the answer carries; `required` ones are checked by the tests. */
  headers?: Readonly<Record<string, { description: string; required?: boolean; schema: JsonSchema }>>;
}

export interface ApiParameter {
  name: string;
  in: 'query' | 'header' | 'path';
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

/** The methods an OpenAPI path item can describe. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ApiOperation {
  path: string;
  method: HttpMethod;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Security requirements (OR of ANDs); absent: none. */
  security?: Record<string, string[]>[];
  parameters?: ApiParameter[];
  requestBody?: { required: boolean; content: Readonly<Record<string, ApiMedia>> };
  /** By HTTP status. Every status the route can answer is listed: the tests refuse any other. */
  responses: Readonly<Record<string, ApiResponse>>;
}

const ref = (name: keyof typeof SCHEMAS): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema): Record<string, ApiMedia> => ({ 'application/json': { schema } });
const REQUEST_ID_HEADER = { 'X-Request-Id': { description: 'The request id (also in logs and audit events).', schema: { type: 'string' } } };
const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before asking again.', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } } };
const BEARER_CHALLENGE = { 'WWW-Authenticate': { description: 'RFC 6750 Bearer challenge.', required: true, schema: { type: 'string', pattern: '^Bearer ' } } };
const ALLOW = { Allow: { description: 'The method the route serves.', required: true, schema: { type: 'string' } } };

/** Keywarden's error answer, by status, for the routes that use it. */
function keywardenError(description: string, headers: ApiResponse['headers'] = {}): ApiResponse {
  return { description, content: json(ref('Error')), headers: { ...REQUEST_ID_HEADER, ...headers } };
}
const ERRORS = {
  400: keywardenError('A malformed request (BAD_REQUEST).'),
  401: keywardenError('No credential, or one that is refused (UNAUTHENTICATED).', BEARER_CHALLENGE),
  403: keywardenError('The credential lacks a scope (FORBIDDEN; missingScopes names it).'),
  404: keywardenError('Not found, or of another tenant (NOT_FOUND).'),
  405: keywardenError('Another method than the route serves (METHOD_NOT_ALLOWED).', ALLOW),
  429: keywardenError('The caller is throttled (RATE_LIMITED).', RETRY_AFTER),
  500: keywardenError('An unexpected error; the request id is in the log.'),
  503: keywardenError('The database is out of reach (SERVICE_UNAVAILABLE) or verification capacity is exhausted (OVERLOADED).', RETRY_AFTER),
} as const satisfies Record<number, ApiResponse>;

const OAUTH_HEADERS = { 'Cache-Control': { description: 'no-store (RFC 6749 §5.1).', required: true, schema: { const: 'no-store' } } };
function oauthError(description: string, headers: ApiResponse['headers'] = {}): ApiResponse {
  return { description, content: json(ref('OAuthError')), headers: { ...OAUTH_HEADERS, ...headers } };
}
const OAUTH_ERRORS = {
  400: oauthError('invalid_request, invalid_scope or unsupported_grant_type (RFC 6749 §5.2); also a method other than POST.'),
  401: oauthError('invalid_client: the client is unknown or its secret is wrong.', {
    'WWW-Authenticate': { description: 'The client authentication scheme (HTTP Basic).', required: true, schema: { type: 'string', pattern: '^Basic ' } },
  }),
  409: oauthError('invalid_request: the Idempotency-Key was used with another request, or its first request is still running.'),
  429: oauthError('slow_down: the client is throttled.', RETRY_AFTER),
  500: oauthError('server_error.'),
  503: oauthError('temporarily_unavailable: the database is out of reach or verification capacity is exhausted.', RETRY_AFTER),
} as const satisfies Record<number, ApiResponse>;

const CLIENT_AUTH: Record<string, string[]>[] = [{ clientBasic: [] }, {}];
const TENANT_CREDENTIAL: Record<string, string[]>[] = [{ bearer: [] }, { apiKeyHeader: [] }, { keyBasic: [] }];

const SCHEMAS = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'requestId'],
        properties: {
          code: { enum: [...ERROR_CODES] },
          message: { type: 'string' },
          requestId: { type: 'string' },
          missingScopes: { type: 'array', items: { type: 'string' } },
          retryAfter: { type: 'integer', minimum: 0 },
          resource: { type: 'string' },
          field: { type: 'string' },
          fieldErrors: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'array' }, message: { type: 'string' } } } },
        },
      },
    },
  },
  OAuthError: {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: { enum: ['invalid_request', 'invalid_client', 'unsupported_grant_type', 'invalid_scope', 'slow_down', 'temporarily_unavailable', 'server_error'] },
      error_description: { type: 'string' },
    },
  },
  VerifyRequest: {
    type: 'object',
    required: ['key'],
    additionalProperties: false,
    properties: {
      key: { type: 'string', minLength: 1, maxLength: 512, description: 'The key text or access token presented to you.' },
      scopes: { type: ['array', 'null'], maxItems: 64, items: { type: 'string', minLength: 1 }, description: 'Scopes the request needs; all must be held.' },
      ip: { type: ['string', 'null'], description: "The end client's IPv4 or IPv6 address, for IP rules." },
      endpoint: { type: ['string', 'null'], minLength: 1, maxLength: 2048, description: 'The endpoint being called, e.g. "GET /v1/tickets/42".' },
      rateLimits: {
        type: ['array', 'null'],
        maxItems: 8,
        description: "The named limits to charge (default: the key's `default` limits at cost 1).",
        items: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1 }, cost: { type: 'integer', minimum: 0, maximum: 10000 } } },
      },
      credits: {
        type: ['object', 'null'],
        additionalProperties: false,
        description: 'What the request costs in usage credits (default 1; 0 only checks that some are left).',
        properties: { cost: { type: 'integer', minimum: 0, maximum: 10000 } },
      },
    },
  },
  VerifyResult: {
    description: 'A verdict. Every verdict is HTTP 200; `valid` says which.',
    oneOf: [
      {
        type: 'object',
        additionalProperties: false,
        required: ['valid', 'code', 'message', 'credentialType', 'keyId', 'publicId', 'tokenId', 'tenantId', 'ownerId', 'name', 'scopes', 'metadata', 'expiresAt', 'rateLimit', 'rateLimits', 'remainingUses', 'cacheableUntil'],
        properties: {
          valid: { const: true },
          code: { const: 'VALID' },
          message: { type: 'string' },
          credentialType: { enum: ['API_KEY', 'ACCESS_TOKEN'] },
          keyId: { type: 'string' },
          publicId: { type: 'string' },
          tokenId: { type: ['string', 'null'] },
          tenantId: { type: 'string' },
          ownerId: { type: 'string' },
          name: { type: 'string' },
          scopes: { type: 'array', items: { type: 'string' } },
          metadata: { description: 'The JSON metadata given to the key, or null.' },
          expiresAt: { type: ['string', 'null'], format: 'date-time' },
          rateLimit: {
            oneOf: [
              { type: 'null' },
              { type: 'object', additionalProperties: false, required: ['limit', 'remaining', 'resetAt'], properties: { limit: { type: 'integer' }, remaining: { type: 'integer' }, resetAt: { type: 'string', format: 'date-time' } } },
            ],
          },
          rateLimits: {
            type: 'array',
            description: 'Every limit this request was charged to, and what is left of it.',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'level', 'limit', 'remaining', 'resetAt'],
              properties: { name: { type: 'string' }, level: { enum: ['KEY', 'IDENTITY'] }, limit: { type: 'integer' }, remaining: { type: 'integer' }, resetAt: { type: 'string', format: 'date-time' } },
            },
          },
          remainingUses: { type: ['integer', 'null'] },
          cacheableUntil: {
            type: ['string', 'null'],
            format: 'date-time',
            description:
              'Until when a resource server may reuse this verdict for the same key, address, endpoint and scopes while it follows ' +
              'GET /v1/invalidations; null: never (the key has rate limits or usage credits, which count every request). Never past the expiry.',
          },
        },
      },
      {
        type: 'object',
        additionalProperties: false,
        required: ['valid', 'code', 'message'],
        properties: {
          valid: { const: false },
          code: { enum: VERIFY_CODES.filter((c) => c !== 'VALID') },
          message: { type: 'string' },
          missingScopes: { type: 'array', items: { type: 'string' } },
          retryAfter: { type: 'integer', minimum: 0 },
          limitName: { type: 'string', description: 'The limit that refused (RATE_LIMITED) or that the key lacks (UNKNOWN_RATE_LIMIT).' },
        },
      },
    ],
  },
  TokenRequest: {
    type: 'object',
    required: ['grant_type'],
    properties: {
      grant_type: { const: 'client_credentials' },
      scope: { type: 'string', description: 'Space-separated scopes; absent: every scope of the key.' },
      client_id: { type: 'string', description: "The key's public id (client_secret_post)." },
      client_secret: { type: 'string', description: 'The key text (client_secret_post).' },
    },
  },
  TokenResponse: {
    type: 'object',
    additionalProperties: false,
    required: ['access_token', 'token_type', 'expires_in', 'scope'],
    properties: {
      access_token: { type: 'string' },
      token_type: { const: 'Bearer' },
      expires_in: { type: 'integer', minimum: 1 },
      scope: { type: 'string' },
    },
  },
  IntrospectRequest: {
    type: 'object',
    required: ['token'],
    properties: {
      token: { type: 'string', description: 'The access token (kwt_…).' },
      token_type_hint: { type: 'string' },
      client_id: { type: 'string' },
      client_secret: { type: 'string' },
    },
  },
  IntrospectionResponse: {
    oneOf: [
      { type: 'object', properties: { active: { const: false } }, required: ['active'], additionalProperties: false },
      {
        type: 'object',
        required: ['active', 'scope', 'client_id', 'token_type', 'exp', 'iat', 'sub', 'iss'],
        properties: {
          active: { const: true },
          scope: { type: 'string', description: 'Space-separated scopes.' },
          client_id: { type: 'string', description: "The key's public id." },
          token_type: { const: 'Bearer' },
          exp: { type: 'integer' },
          iat: { type: 'integer' },
          sub: { type: 'string', description: "The key's id." },
          iss: { type: 'string' },
          jti: { type: 'string' },
        },
        additionalProperties: false,
      },
    ],
  },
  AuthorizationServerMetadata: {
    type: 'object',
    required: ['issuer', 'token_endpoint', 'grant_types_supported'],
    properties: {
      issuer: { type: 'string', format: 'uri' },
      token_endpoint: { type: 'string', format: 'uri' },
      introspection_endpoint: { type: 'string', format: 'uri' },
      revocation_endpoint: { type: 'string', format: 'uri' },
      grant_types_supported: { type: 'array', items: { type: 'string' } },
      response_types_supported: { type: 'array', items: { type: 'string' } },
      token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
      revocation_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
      introspection_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
    },
  },
  RevokeRequest: {
    type: 'object',
    required: ['token'],
    properties: {
      token: { type: 'string' },
      token_type_hint: { type: 'string' },
      client_id: { type: 'string' },
      client_secret: { type: 'string' },
    },
  },
  AuditEvent: {
    type: 'object',
    description: 'One line of the export: every field its hash covers, so the chain can be checked.',
    required: ['id', 'tenantId', 'seq', 'actorType', 'action', 'createdAt', 'prevHash', 'hash'],
    properties: {
      id: { type: 'string', pattern: '^aud_' },
      tenantId: { type: 'string' },
      seq: { type: 'integer', minimum: 1 },
      actorType: { enum: ['PLATFORM', 'MEMBER', 'API_KEY', 'ACCESS_TOKEN', 'SYSTEM'] },
      actorId: { type: ['string', 'null'] },
      actorPublicId: { type: ['string', 'null'] },
      action: { type: 'string' },
      targetType: { type: ['string', 'null'] },
      targetId: { type: ['string', 'null'] },
      ip: { type: ['string', 'null'] },
      userAgent: { type: ['string', 'null'] },
      requestId: { type: ['string', 'null'] },
      changes: { description: 'Changed fields, before and after; never a secret.' },
      createdAt: { type: 'string', format: 'date-time' },
      prevHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    },
  },
} as const satisfies Record<string, JsonSchema>;

const REFUSAL = { 'X-Keywarden-Refusal': { description: 'Why (a verify code, ROUTE_NOT_ALLOWED, CALLER_UNAUTHENTICATED or CALLER_FORBIDDEN); the prefix is KEYWARDEN_FORWARD_AUTH_HEADER_PREFIX.', required: true, schema: { type: 'string', pattern: '^[A-Z_]+$' } } };
const NO_STORE = { 'Cache-Control': { description: 'no-store: every request is asked anew.', required: true, schema: { const: 'no-store' } } };

/**
 * /v1/forward-auth answers the proxy's subrequest with whatever method the proxy uses (NGINX and
 * Caddy keep the client's; Envoy's path_prefix form is under /v1/forward-auth/envoy/…). No body:
 * a proxy may pass an answer's body to its client.
 */
function forwardAuth(method: HttpMethod): ApiOperation {
  return {
    path: '/v1/forward-auth',
    method,
    operationId: `forwardAuth${method[0]!.toUpperCase()}${method.slice(1)}`,
    summary: "A reverse proxy's \"may this request pass?\" (NGINX auth_request, Traefik ForwardAuth, Caddy forward_auth)",
    description:
      'The original method and URI come from X-Original-Method/X-Original-URI (NGINX) or X-Forwarded-Method/X-Forwarded-Uri (Traefik, Caddy); ' +
      "the proxy's own keys:verify credential from X-Keywarden-Caller; the client's credential from wherever the client put it. " +
      "Judged by the tenant's route map and the verify pipeline. Envoy (ext_authz, HTTP mode): path_prefix /v1/forward-auth/envoy.",
    tags: ['verification'],
    parameters: [
      { name: 'X-Keywarden-Caller', in: 'header', description: "The proxy's own credential (keys:verify) of the tenant.", required: true, schema: { type: 'string' } },
      { name: 'X-Original-URI', in: 'header', description: 'NGINX: the original path and query.', schema: { type: 'string' } },
      { name: 'X-Original-Method', in: 'header', description: 'NGINX: the original method.', schema: { type: 'string' } },
      { name: 'X-Forwarded-Uri', in: 'header', description: 'Traefik, Caddy: the original path and query.', schema: { type: 'string' } },
      { name: 'X-Forwarded-Method', in: 'header', description: 'Traefik, Caddy: the original method.', schema: { type: 'string' } },
    ],
    responses: {
      200: {
        description: 'May pass. Identity headers for the upstream: X-Keywarden-Key-Id, -Tenant-Id, -Owner, -Scopes, and -External-Id when the key has one.',
        headers: {
          ...NO_STORE,
          'X-Keywarden-Key-Id': { description: "The key's id.", required: true, schema: { type: 'string' } },
          'X-Keywarden-Tenant-Id': { description: "The key's tenant.", required: true, schema: { type: 'string' } },
        },
      },
      400: { description: 'The proxy sent no usable original method or URI (X-Keywarden-Problem says which).', headers: NO_STORE },
      401: { description: "No client credential, or one that is unknown or wrong; or the proxy's own is (X-Keywarden-Refusal: CALLER_UNAUTHENTICATED).", headers: { ...NO_STORE, 'WWW-Authenticate': { description: 'The challenge.', required: true, schema: { type: 'string' } } } },
      403: { description: 'A known key that may not pass, no route for the request, or a proxy credential without keys:verify.', headers: { ...NO_STORE, ...REFUSAL } },
      429: { description: "The key's rate limit, or too many failed attempts.", headers: { ...NO_STORE, ...RETRY_AFTER } },
      500: { description: 'An unexpected error; the request id is in the log.' },
      503: { description: 'Verification capacity exhausted or the database out of reach.', headers: RETRY_AFTER },
    },
  };
}

const REVEAL_TOKEN: ApiParameter = { name: 'token', in: 'path', description: 'The token of the link (43 characters, base64url).', required: true, schema: { type: 'string' } };
const REVEAL_HEADERS = {
  ...REQUEST_ID_HEADER,
  'Cache-Control': { description: 'no-store.', required: true, schema: { const: 'no-store' } },
};
const REVEAL_GONE: ApiResponse = {
  description: 'The link cannot be opened: unknown, opened already, expired, or its key was rotated, disabled, revoked or deleted (one answer for all).',
  content: {
    'text/html': { schema: { type: 'string' } },
    'application/json': {
      schema: {
        type: 'object', required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message', 'requestId'], properties: { code: { const: 'GONE' }, message: { type: 'string' }, requestId: { type: 'string' } } } },
      },
    },
  },
  headers: REVEAL_HEADERS,
};
const REVEAL_NOTE = 'A page for a browser (CSP default-src \'self\'), JSON for `Accept: application/json`.';

/** The single-use reveal links createKey and rotateKey hand out with delivery REVEAL_LINK. */
const REVEAL_OPERATIONS: ApiOperation[] = [
  {
    path: '/v1/reveal/{token}',
    method: 'get',
    operationId: 'revealLinkStatus',
    summary: 'Whether a reveal link can be opened (never uses it up)',
    description: `${REVEAL_NOTE} A browser gets a page whose "Reveal" button POSTs to the same URL, so link previews and scanners never burn the link.`,
    tags: ['keys'],
    parameters: [REVEAL_TOKEN],
    responses: {
      200: {
        description: 'The link can be opened, until expiresAt.',
        content: {
          'text/html': { schema: { type: 'string' } },
          'application/json': { schema: { type: 'object', required: ['status', 'expiresAt'], properties: { status: { const: 'READY' }, expiresAt: { type: 'string', format: 'date-time' }, reveal: { type: 'string' } } } },
        },
        headers: REVEAL_HEADERS,
      },
      410: REVEAL_GONE,
      500: ERRORS[500],
      503: ERRORS[503],
    },
  },
  {
    path: '/v1/reveal/{token}',
    method: 'head',
    operationId: 'revealLinkHead',
    summary: 'As GET, without a body',
    tags: ['keys'],
    parameters: [REVEAL_TOKEN],
    responses: {
      200: { description: 'The link can be opened.', headers: REVEAL_HEADERS },
      410: { description: 'The link cannot be opened.', headers: REVEAL_HEADERS },
      500: { description: 'An unexpected error.' },
      503: { description: 'The database is out of reach.' },
    },
  },
  {
    path: '/v1/reveal/{token}',
    method: 'post',
    operationId: 'revealKey',
    summary: 'Open a reveal link: the key text, once',
    description: `${REVEAL_NOTE} Opening is audited (key.revealed, with the address and user agent, never the text); afterwards the link answers 410.`,
    tags: ['keys'],
    parameters: [REVEAL_TOKEN],
    responses: {
      200: {
        description: 'The key text, shown this once (the page has a copy button, script from /v1/reveal/copy.js).',
        content: {
          'text/html': { schema: { type: 'string' } },
          'application/json': { schema: { type: 'object', required: ['key', 'clientId'], additionalProperties: false, properties: { key: { type: 'string' }, clientId: { type: 'string' } } } },
        },
        headers: REVEAL_HEADERS,
      },
      403: keywardenError('A cross-site form post (Sec-Fetch-Site: cross-site): the link is opened from its own page (FORBIDDEN).'),
      410: REVEAL_GONE,
      500: ERRORS[500],
      503: ERRORS[503],
    },
  },
  {
    path: '/v1/reveal/copy.js',
    method: 'get',
    operationId: 'revealCopyScript',
    summary: "The reveal page's copy button",
    tags: ['keys'],
    responses: {
      200: { description: 'The script.', content: { 'text/javascript': { schema: { type: 'string' } } } },
      405: ERRORS[405],
    },
  },
];

/** Every REST operation. */
/** The web console's session cookie (http/consoleRoute.ts); its pages under /console are not API. */
const CONSOLE_OPERATIONS: ApiOperation[] = [
  {
    path: '/console/session',
    method: 'post',
    operationId: 'consoleSessionCookie',
    summary: "Keep a member's session in the console's HttpOnly cookie",
    description: 'Send the session token from `login` as Authorization: Bearer with X-Keywarden-Console. The answer sets an HttpOnly, SameSite=Strict cookie that the server accepts as that session only on requests carrying X-Keywarden-Console.',
    tags: ['console'],
    parameters: [{ name: 'X-Keywarden-Console', in: 'header', description: 'Any value: only the console sends it.', required: true, schema: { type: 'string' } }],
    responses: {
      204: { description: 'The cookie is set.', headers: { 'Set-Cookie': { description: 'kw_console=…; HttpOnly; SameSite=Strict; Path=/', required: true, schema: { type: 'string' } } } },
      400: ERRORS[400],
      401: ERRORS[401],
      405: ERRORS[405],
      500: ERRORS[500],
      503: ERRORS[503],
    },
  },
  {
    path: '/console/session',
    method: 'delete',
    operationId: 'consoleSessionCookieClear',
    summary: "Clear the console's cookie (end the session itself with the logout mutation)",
    tags: ['console'],
    responses: {
      204: { description: 'The cookie is cleared.', headers: { 'Set-Cookie': { description: 'kw_console=; Max-Age=0', required: true, schema: { type: 'string' } } } },
      405: ERRORS[405],
    },
  },
];

export const API_OPERATIONS: readonly ApiOperation[] = [
  ...REVEAL_OPERATIONS,
  ...CONSOLE_OPERATIONS,
  // TRACE aside: fetch() refuses to send it, and no proxy asks with it.
  ...HTTP_METHODS.filter((method) => method !== 'trace').map(forwardAuth),
  {
    path: '/v1/verify',
    method: 'post',
    operationId: 'verifyKey',
    summary: 'Verify a presented API key or access token',
    description:
      "For resource servers: authenticate with a credential of the key's tenant holding keys:verify. Every verdict is 200; " +
      'the codes other than 200 say the request itself was refused or could not be decided.',
    tags: ['verification'],
    security: TENANT_CREDENTIAL,
    requestBody: { required: true, content: json(ref('VerifyRequest')) },
    responses: {
      200: { description: 'The verdict.', content: json(ref('VerifyResult')), headers: REQUEST_ID_HEADER },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      429: ERRORS[429],
      500: ERRORS[500],
      503: ERRORS[503],
    },
  },
  {
    path: '/oauth/token',
    method: 'post',
    operationId: 'issueToken',
    summary: 'Exchange an API key for an access token (client credentials grant, RFC 6749 §4.4)',
    description: 'The client is the key: client_id its public id, client_secret its text, by HTTP Basic or as parameters (not both).',
    tags: ['oauth'],
    security: CLIENT_AUTH,
    requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: ref('TokenRequest') }, 'application/json': { schema: ref('TokenRequest') } } },
    responses: {
      200: { description: 'The access token.', content: json(ref('TokenResponse')), headers: OAUTH_HEADERS },
      ...OAUTH_ERRORS,
    },
  },
  {
    path: '/oauth/revoke',
    method: 'post',
    operationId: 'revokeToken',
    summary: 'Revoke an access token (RFC 7009)',
    description: 'Authenticated as /oauth/token. An unknown token, or one of another client, is answered 200 too (RFC 7009 §2.2).',
    tags: ['oauth'],
    security: CLIENT_AUTH,
    requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: ref('RevokeRequest') }, 'application/json': { schema: ref('RevokeRequest') } } },
    responses: {
      200: { description: 'Revoked (or nothing to revoke).', content: json({ type: 'object', maxProperties: 0 }), headers: OAUTH_HEADERS },
      ...OAUTH_ERRORS,
    },
  },
  {
    path: '/oauth/introspect',
    method: 'post',
    operationId: 'introspectToken',
    summary: 'Whether an access token is active, and what it may do (RFC 7662)',
    description:
      "For resource servers of the token's tenant: authenticate as a client (HTTP Basic or client_id/client_secret) or with a Bearer key or token, " +
      'holding keys:verify. A token that is unknown, expired, revoked, of another tenant, or not an access token at all is exactly {"active": false}.',
    tags: ['oauth'],
    security: [{ clientBasic: [] }, { bearer: [] }, {}],
    requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: ref('IntrospectRequest') }, 'application/json': { schema: ref('IntrospectRequest') } } },
    responses: {
      200: { description: 'The token\'s state.', content: json(ref('IntrospectionResponse')), headers: OAUTH_HEADERS },
      ...OAUTH_ERRORS,
      401: oauthError('invalid_client or invalid_token: the caller is unknown or its credential is wrong.', {
        'WWW-Authenticate': { description: 'Basic for client authentication, Bearer (RFC 6750) for a refused Bearer; both when nothing was presented.', required: true, schema: { type: 'string', pattern: '^(Basic|Bearer) ' } },
      }),
      403: oauthError('insufficient_scope: the caller lacks keys:verify (RFC 6750 §3.1).'),
    },
  },
  {
    path: '/.well-known/oauth-authorization-server',
    method: 'get',
    operationId: 'oauthMetadata',
    summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
    description: 'The issuer is KEYWARDEN_PUBLIC_URL (else the request\'s origin); with a path in it, also served at this path followed by that path.',
    tags: ['oauth'],
    responses: {
      200: { description: 'The metadata.', content: json(ref('AuthorizationServerMetadata')) },
      405: ERRORS[405],
      500: ERRORS[500],
    },
  },
  {
    path: '/v1/audit/export',
    method: 'get',
    operationId: 'exportAudit',
    summary: 'The audit trail as newline-delimited JSON, in seq order',
    description: 'Scope audit:read. Ends at the newest event when the export started. The platform operator names the tenant.',
    tags: ['audit'],
    security: TENANT_CREDENTIAL,
    parameters: [
      { name: 'since', in: 'query', description: 'An audit event id (the events after it) or an ISO-8601 time (events at or after it).', schema: { type: 'string' } },
      { name: 'tenantId', in: 'query', description: 'The tenant, for the platform operator.', schema: { type: 'string' } },
    ],
    responses: {
      200: { description: 'One AuditEvent per line.', content: { 'application/x-ndjson': { schema: ref('AuditEvent') } }, headers: REQUEST_ID_HEADER },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: ERRORS[404],
      429: ERRORS[429],
      500: ERRORS[500],
      503: ERRORS[503],
    },
  },
  {
    path: '/v1/invalidations',
    method: 'get',
    operationId: 'streamInvalidations',
    summary: "The tenant's credential changes as server-sent events, for resource servers' verdict caches",
    description:
      'Authenticated like POST /v1/verify (keys:verify). Events: `ready` (the stream is live; its id is the position), ' +
      '`invalidate` (data `{"keyIds": [...]}` or `{"tenant": true}`: drop the verdicts of those keys, or all), `reset` ' +
      '(Last-Event-ID cannot be continued: drop everything). Each event has an id; send the last one as Last-Event-ID to resume. ' +
      'A `: ping` comment every 5 s. The stream ends after 5 minutes, and after a change of the caller\'s own credential.',
    tags: ['verification'],
    security: TENANT_CREDENTIAL,
    parameters: [
      { name: 'Last-Event-ID', in: 'header', description: 'The id of the last event received: resume after it.', schema: { type: 'string' } },
      { name: 'lastEventId', in: 'query', description: 'The same, for clients that cannot set the header.', schema: { type: 'string' } },
    ],
    responses: {
      200: { description: 'A text/event-stream of ready, invalidate and reset events.', content: { 'text/event-stream': { schema: { type: 'string' } } }, headers: REQUEST_ID_HEADER },
      401: ERRORS[401],
      403: ERRORS[403],
      405: ERRORS[405],
      429: ERRORS[429],
      500: ERRORS[500],
      503: ERRORS[503],
    },
  },
  {
    path: '/v1/leaks/github',
    method: 'post',
    operationId: 'reportLeaksGitHub',
    summary: "GitHub secret scanning's reports of published keys (partner program)",
    description:
      'Signed by GitHub: ECDSA P-256 / SHA-256 over the raw body, DER and base64 in GITHUB-PUBLIC-KEY-SIGNATURE, by the key GITHUB-PUBLIC-KEY-IDENTIFIER names ' +
      '(from KEYWARDEN_SECRET_SCANNING_KEYS_FILE). Each match that is a live key gets its tenant\'s leakedKeyPolicy (REVOKE, DISABLE or NOTIFY), once.',
    tags: ['leaks'],
    parameters: [
      { name: 'GITHUB-PUBLIC-KEY-IDENTIFIER', in: 'header', description: 'The key_identifier of the signing key.', required: true, schema: { type: 'string' } },
      { name: 'GITHUB-PUBLIC-KEY-SIGNATURE', in: 'header', description: 'Base64 of the DER ECDSA signature of the raw body.', required: true, schema: { type: 'string' } },
    ],
    requestBody: {
      required: true,
      content: json({
        type: 'array',
        minItems: 1,
        maxItems: 1000,
        items: { type: 'object', required: ['token'], properties: { token: { type: 'string' }, type: { type: 'string' }, url: { type: 'string' }, source: { type: 'string' } } },
      }),
    },
    responses: {
      200: {
        description: 'One label per match, in order; the token as its SHA-256 (hex). true_positive: the text is a key of this server with its right secret.',
        content: json({
          type: 'array',
          items: {
            type: 'object',
            required: ['token_hash', 'token_type', 'label'],
            additionalProperties: false,
            properties: { token_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' }, token_type: { type: 'string' }, label: { enum: ['true_positive', 'false_positive'] } },
          },
        }),
        headers: REQUEST_ID_HEADER,
      },
      400: keywardenError('Signed, but not JSON or not an array of matches; or a body over 256 KiB (BAD_REQUEST).'),
      401: keywardenError('No signature, an unknown key identifier, or a signature that does not verify: nothing was read or changed (UNAUTHENTICATED).', BEARER_CHALLENGE),
      405: ERRORS[405],
      500: ERRORS[500],
      503: keywardenError('KEYWARDEN_SECRET_SCANNING_KEYS_FILE is not set (SERVICE_UNAVAILABLE, no Retry-After); or, with Retry-After, the database is out of reach or verification capacity is exhausted.', {
        'Retry-After': { description: 'Seconds to wait before asking again (absent when the server is not configured for reports).', schema: { type: 'string', pattern: '^[0-9]+$' } },
      }),
    },
  },
  {
    path: '/healthz',
    method: 'get',
    operationId: 'health',
    summary: 'The process answers',
    tags: ['operations'],
    responses: { 200: { description: 'Alive (no body).' } },
  },
  {
    path: '/readyz',
    method: 'get',
    operationId: 'readiness',
    summary: 'The database answers and has no pending migration',
    tags: ['operations'],
    responses: {
      200: { description: 'Ready (no body).' },
      503: {
        description: 'Not ready: pending migrations (listed), or the database is out of reach.',
        content: json({ type: 'object', properties: { ready: { const: false }, pendingMigrations: { type: 'array', items: { type: 'string' } } } }),
      },
    },
  },
  {
    path: '/metrics',
    method: 'get',
    operationId: 'metrics',
    summary: "Prometheus metrics (text format); absent with KEYWARDEN_METRICS=false",
    tags: ['operations'],
    security: [{ metricsToken: [] }, {}],
    responses: {
      200: { description: 'Every metric.', content: { 'text/plain': { schema: { type: 'string' } } } },
      401: {
        description: 'KEYWARDEN_METRICS_TOKEN is set and the request does not present it.',
        content: { 'text/plain': { schema: { type: 'string' } } },
        headers: { 'WWW-Authenticate': { description: 'Bearer challenge.', required: true, schema: { type: 'string', pattern: '^Bearer ' } } },
      },
      404: { description: 'KEYWARDEN_METRICS=false: there is no such route (no body).' },
      405: { description: 'Another method than GET.', content: json(ref('Error')), headers: ALLOW },
      500: ERRORS[500],
    },
  },
  {
    path: OPENAPI_PATH,
    method: 'get',
    operationId: 'openApiDocument',
    summary: 'This document',
    tags: ['operations'],
    responses: {
      200: { description: 'The OpenAPI 3.1 document of the REST routes.', content: json({ type: 'object', required: ['openapi', 'paths'] }) },
      405: ERRORS[405],
    },
  },
];

/** The OpenAPI 3.1 document of API_OPERATIONS. */
export function openApiDocument(operations: readonly ApiOperation[] = API_OPERATIONS) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { path, method, ...operation } of operations) {
    paths[path] = { ...paths[path], [method]: operation };
  }
  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Keywarden REST API',
      version: '1',
      description: 'The REST routes of Keywarden. The management API is GraphQL, at /graphql (its schema: schema.graphql).',
    },
    tags: [
      { name: 'verification', description: 'For resource servers.' },
      { name: 'oauth', description: 'OAuth 2.0 for keys that are exchanged for access tokens.' },
      { name: 'audit', description: 'The tamper-evident audit trail.' },
      { name: 'keys', description: 'Single-use reveal links for key texts.' },
      { name: 'leaks', description: 'Reports of published keys.' },
      { name: 'operations', description: 'Health, readiness, metrics, this document.' },
      { name: 'console', description: "The web console's session cookie." },
    ],
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key, access token or session token of the tenant.' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key.' },
        keyBasic: { type: 'http', scheme: 'basic', description: "An API key as HTTP Basic: its public id and its text." },
        clientBasic: { type: 'http', scheme: 'basic', description: 'client_id:client_secret, each form-encoded (RFC 6749 §2.3.1).' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'KEYWARDEN_METRICS_TOKEN, when set.' },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

let served: string | undefined;

/** GET /openapi.json: the document, public (it names no tenant and no secret). */
export async function openApiRoute(app: App, http: RestRequest): Promise<TextReply> {
  const requestId = requestIdOf(http.request);
  try {
    if (http.method !== 'GET') throw new MethodNotAllowedError('GET');
    served ??= JSON.stringify(openApiDocument());
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300', 'x-request-id': requestId }, body: served };
  } catch (caught) {
    return restFailure(app.logger, caught, { requestId, route: OPENAPI_PATH });
  }
}
