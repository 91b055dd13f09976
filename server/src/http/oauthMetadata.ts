import type { App } from '../appTypes.ts';
import { requestIdOf } from '../context.ts';
import { MethodNotAllowedError } from '../domain/errors.ts';
import { restFailure } from './errors.ts';
import type { TextReply } from './reply.ts';
import type { RestRequest } from './rest.ts';

export const METADATA_PATH = '/.well-known/oauth-authorization-server';
export const TOKEN_PATH = '/oauth/token';
export const REVOKE_PATH = '/oauth/revoke';
export const INTROSPECT_PATH = '/oauth/introspect';

/** The client authentication methods every OAuth route accepts (RFC 6749 §2.3.1). */
const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

/**
 * The issuer: KEYWARDEN_PUBLIC_URL, else the origin the request came to (development: behind a
 * proxy or on a public host, set the variable, since a Host header is the client's to choose).
 */
export function issuerOf(app: App, request: Request): string {
  return app.config.publicUrl ?? new URL(request.url).origin;
}

/**
 * Where the metadata is served: RFC 8414 §3 inserts the well-known path before the issuer's own
 * path, so an issuer `https://example.com/keywarden` also answers at
 * `/.well-known/oauth-authorization-server/keywarden` (a proxy that strips `/keywarden` sends the
 * plain path here too).
 */
export function metadataPaths(app: App): string[] {
  const path = app.config.publicUrl === null ? '' : new URL(app.config.publicUrl).pathname.replace(/\/+$/, '');
  return path === '' ? [METADATA_PATH] : [METADATA_PATH, `${METADATA_PATH}${path}`];
}

/**
 * GET /.well-known/oauth-authorization-server: RFC 8414 authorization server metadata. Scopes are
 * each tenant's own, so no `scopes_supported` (one document serves every tenant); the only grant
 * is client credentials, so no response type.
 */
export async function oauthMetadataRoute(app: App, http: RestRequest): Promise<TextReply> {
  const requestId = requestIdOf(http.request);
  try {
    if (http.method !== 'GET' && http.method !== 'HEAD') throw new MethodNotAllowedError('GET');
    const issuer = issuerOf(app, http.request);
    const metadata = {
      issuer,
      token_endpoint: `${issuer}${TOKEN_PATH}`,
      introspection_endpoint: `${issuer}${INTROSPECT_PATH}`,
      revocation_endpoint: `${issuer}${REVOKE_PATH}`,
      grant_types_supported: ['client_credentials'],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      // A resource server may also present its own access token as a Bearer (RFC 7662 §2.1).
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    };
    return {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300', 'x-request-id': requestId },
      body: JSON.stringify(metadata),
    };
  } catch (caught) {
    return restFailure(app.logger, caught, { requestId, route: METADATA_PATH });
  }
}
