import { TOKEN_PREFIX, type PresentedCredential } from '../domain/caller.ts';
import { BadRequestError } from '../domain/errors.ts';

export type { PresentedCredential } from '../domain/caller.ts';

const MAX_CREDENTIAL_LENGTH = 512;

/** The console's session cookie (http/consoleRoute.ts sets it; HttpOnly, SameSite=Strict). */
export const CONSOLE_COOKIE = 'kw_console';
/** Without this header the cookie is not a credential: no form or foreign script can send it. */
export const CONSOLE_HEADER = 'x-keywarden-console';

/**
 * Reads the credential from the forms Keywarden accepts: `Authorization: Bearer …`,
 * `Authorization: Basic base64(public-id:secret)` (the secret: the full key text or its 32 secret
 * characters), `Authorization: rest_api_key=…`, `X-API-Key: …`,
 * and the `rest_api_key` query parameter (honoured only where the key's tenant allows it).
 */
export function presentedCredential(request: Request): PresentedCredential | null {
  const authorization = request.headers.get('authorization');
  if (authorization) {
    if (authorization.length > MAX_CREDENTIAL_LENGTH) throw new BadRequestError('Authorization header is too long');
    const [scheme = '', ...rest] = authorization.trim().split(/\s+/);
    const value = rest.join(' ');
    const lower = scheme.toLowerCase();
    if (lower === 'bearer' && value) return { kind: 'token', text: value, source: 'bearer' };
    if (lower === 'basic' && value) return basic(value);
    if (lower.startsWith('rest_api_key=')) return { kind: 'token', text: scheme.slice('rest_api_key='.length), source: 'rest_api_key' };
    throw new BadRequestError('Unsupported Authorization scheme; use Bearer, Basic or rest_api_key=');
  }
  const apiKey = request.headers.get('x-api-key');
  if (apiKey) {
    if (apiKey.length > MAX_CREDENTIAL_LENGTH) throw new BadRequestError('X-API-Key header is too long');
    return { kind: 'token', text: apiKey.trim(), source: 'x-api-key' };
  }
  if (request.headers.get(CONSOLE_HEADER) !== null) {
    const session = consoleCookie(request.headers.get('cookie'));
    if (session !== null) return { kind: 'token', text: session, source: 'cookie' };
  }
  const query = new URL(request.url).searchParams.get('rest_api_key');
  if (query) {
    if (query.length > MAX_CREDENTIAL_LENGTH) throw new BadRequestError('rest_api_key is too long');
    return { kind: 'token', text: query, source: 'query' };
  }
  return null;
}

/** The console's session token from a Cookie header: only ever a session token (`kws_…`). */
function consoleCookie(header: string | null): string | null {
  if (header === null) return null;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (part.slice(0, at).trim() !== CONSOLE_COOKIE) continue;
    const value = part.slice(at + 1).trim();
    if (value.length > MAX_CREDENTIAL_LENGTH || !value.startsWith(`${TOKEN_PREFIX.session}_`)) throw new BadRequestError('The console session cookie is malformed; log in again');
    return value;
  }
  return null;
}

function basic(encoded: string): PresentedCredential {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) throw new BadRequestError('Basic credentials must be base64(public-id:secret)');
  return { kind: 'basic', publicId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
