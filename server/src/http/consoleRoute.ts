import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { App } from '../appTypes.ts';
import { requestIdOf, requestInfo } from '../context.ts';
import { TOKEN_PREFIX } from '../domain/caller.ts';
import { AuthenticationError, BadRequestError, MethodNotAllowedError } from '../domain/errors.ts';
import { authenticate } from '../services/authentication.ts';
import { CONSOLE_COOKIE, CONSOLE_HEADER, presentedCredential } from './credentials.ts';
import { restFailure } from './errors.ts';
import type { TextReply } from './reply.ts';
import { REPO_ROOT } from '../paths.ts';
import type { RestRequest } from './rest.ts';

// The web console (console/ in the workspace, built by Vite into console/dist at install):
//
//   GET  /console, /console/…   the single-page app: a file of the build, else its index.html
//   POST /console/session       turns the session token in Authorization into an HttpOnly cookie
//   DELETE /console/session     clears that cookie (the console ends the session itself with `logout`)
//
// Why a cookie: the console must survive a reload without keeping the session token where the
// page's scripts can read it (localStorage, sessionStorage). The token passes through the page once,
// from `login`'s answer to this route. The cookie is HttpOnly and SameSite=Strict, and the server
// takes it as a credential only with the X-Keywarden-Console header (http/credentials.ts), which a
// form on another site cannot add and a script of another origin cannot send without a preflight
// that CORS refuses: a sibling subdomain (same site) cannot ride on it either.

export const CONSOLE_PATH = '/console';
export const CONSOLE_SESSION_PATH = '/console/session';

/** Where the built console is: the workspace's console/dist. */
const CONSOLE_DIST = path.join(REPO_ROOT, 'console/dist/');

/** The console's pages may reach only this origin; Vite's build has no inline script or style. */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  type: string;
  body: string;
  /** Vite names its assets by content hash: they never change under a name. */
  immutable: boolean;
}

let loaded: { dir: string; files: Map<string, StaticFile> } | undefined;

/** The build's files by URL path under /console/, read once (a few hundred KB). */
function consoleFiles(dir: string): Map<string, StaticFile> | null {
  if (loaded?.dir === dir) return loaded.files;
  if (!existsSync(path.join(dir, 'index.html'))) return null;
  const files = new Map<string, StaticFile>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const type = TYPES[path.extname(name)];
        if (type === undefined) continue;
        const relative = path.relative(dir, full).split(path.sep).join('/');
        files.set(relative, { type, body: readFileSync(full, 'utf8'), immutable: relative.startsWith('assets/') });
      }
    }
  };
  walk(dir);
  loaded = { dir, files };
  return files;
}

export function isConsolePath(pathname: string): boolean {
  return pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`);
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keywarden console</title></head><body><main><h1>The console is not built</h1><p>Run <code>pnpm install</code> (it builds the console) or <code>pnpm --filter @keywarden/console build</code>, then reload.</p></main></body></html>`;

export async function consoleRoute(app: App, http: RestRequest): Promise<TextReply> {
  const requestId = requestIdOf(http.request);
  try {
    if (http.path === CONSOLE_SESSION_PATH) return await sessionCookie(app, http, requestId);
    if (http.method !== 'GET' && http.method !== 'HEAD') throw new MethodNotAllowedError('GET, HEAD');
    const files = consoleFiles(CONSOLE_DIST);
    const page = (status: number, body: string): TextReply => ({
      status,
      headers: { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache', 'content-security-policy': CONSOLE_CONTENT_SECURITY_POLICY, 'x-request-id': requestId },
      body: http.method === 'HEAD' ? '' : body,
    });
    if (files === null) return page(503, NOT_BUILT);
    const relative = http.path.slice(CONSOLE_PATH.length + 1);
    const file = files.get(relative);
    if (file !== undefined && relative !== 'index.html') {
      return {
        status: 200,
        headers: { 'content-type': file.type, 'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache', 'content-security-policy': CONSOLE_CONTENT_SECURITY_POLICY, 'x-request-id': requestId },
        body: http.method === 'HEAD' ? '' : file.body,
      };
    }
    // A missing asset is a 404; any other path is one of the app's own pages (it routes in the browser).
    if (relative.startsWith('assets/') || path.extname(relative) !== '') return { status: 404, headers: { 'content-type': TYPES['.txt']!, 'x-request-id': requestId }, body: 'Not found' };
    return page(200, files.get('index.html')!.body);
  } catch (error) {
    return restFailure(app.logger, error, { requestId, route: CONSOLE_PATH });
  }
}

async function sessionCookie(app: App, http: RestRequest, requestId: string): Promise<TextReply> {
  const secure = new URL(http.request.url).protocol === 'https:' || app.config.publicUrl?.startsWith('https:') === true;
  const attributes = `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  const reply = (cookie: string): TextReply => ({ status: 204, headers: { 'set-cookie': cookie, 'cache-control': 'no-store', 'x-request-id': requestId }, body: '' });
  if (http.method === 'DELETE') return reply(`${CONSOLE_COOKIE}=; ${attributes}; Max-Age=0`);
  if (http.method !== 'POST') throw new MethodNotAllowedError('POST, DELETE');
  if (http.request.headers.get(CONSOLE_HEADER) === null) throw new BadRequestError(`The ${CONSOLE_HEADER} header is required`);
  const credential = presentedCredential(http.request);
  if (credential?.kind !== 'token' || credential.source !== 'bearer' || !credential.text.startsWith(`${TOKEN_PREFIX.session}_`)) {
    throw new AuthenticationError('Send the session token from `login` as Authorization: Bearer kws_…');
  }
  // The token must be a live session now; authenticate throws UNAUTHENTICATED otherwise.
  await authenticate(app, credential, requestInfo(app, http.request, http.server));
  return reply(`${CONSOLE_COOKIE}=${credential.text}; ${attributes}`);
}
