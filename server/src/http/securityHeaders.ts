import { createHash } from 'node:crypto';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { CORSOptions, Plugin } from 'graphql-yoga';

// What a browser is told about every answer: not to guess content types, not to send this server's
// URLs as referrers, not to load, run or frame anything from an API answer; what the GraphiQL page
// may load (only this origin, and its own inline scripts by hash); which other origins may call
// the API (none unless KEYWARDEN_CORS_ORIGINS says); and that a request a cross-site form could
// send (no preflight) must carry a header only a script of an allowed origin can add.

/** Sent with every answer, whichever route or plugin makes it. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
});

/** An API answer (JSON, NDJSON, an event stream) loads, runs and frames nothing. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** Every security header of an API answer: what the node:http fast path writes itself. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...SECURITY_HEADERS,
  'content-security-policy': API_CONTENT_SECURITY_POLICY,
});

/** The header a GET (or a form-like POST) to /graphql must carry: a cross-site form cannot add it. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/** Inline `<script>` elements (no `src`): their text is what a CSP hash covers. */
const INLINE_SCRIPT = /<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g;

/**
 * GraphiQL's page may reach only this origin. Its scripts are inline (the package bundles them into
 * the page), allowed by their SHA-256, so no other inline script runs. Its editor adds styles at run
 * time (hence inline styles) and starts its workers from blob: URLs it makes itself.
 */
export function graphiqlPolicy(html: string): string {
  const hashes = [...html.matchAll(INLINE_SCRIPT)].map(([, text]) => `'sha256-${createHash('sha256').update(text!, 'utf8').digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The GraphiQL page, rendered once per options with its policy (the page is the same for every
 * request). The renderer is loaded at the first page asked for: its bundle is megabytes a server
 * that only answers API calls never needs in memory.
 */
export class GraphiQLPage<Options> {
  private rendered: { key: string; html: string; policy: string } | undefined;
  private renderer: Promise<(options: Options) => string> | undefined;

  constructor(private readonly loadRenderer: () => Promise<(options: Options) => string>) {}

  readonly render = async (options: Options): Promise<string> => {
    const key = JSON.stringify(options);
    if (this.rendered?.key !== key) {
      const renderPage = await (this.renderer ??= this.loadRenderer().catch((error: unknown) => {
        this.renderer = undefined; // a later request tries again
        throw error;
      }));
      const html = renderPage(options);
      this.rendered = { key, html, policy: graphiqlPolicy(html) };
    }
    return this.rendered.html;
  };

  /** The policy of the page last rendered (a page is rendered before it is answered). */
  get policy(): string | undefined {
    return this.rendered?.policy;
  }
}

/**
 * Security headers on every answer of Yoga: the GraphiQL page gets its policy, anything else the
 * API's. With CORS on, answers depend on the Origin header, and say so to caches.
 */
export function useSecurityHeaders(graphiql: { readonly policy: string | undefined }, corsOn: boolean): Plugin {
  return {
    onResponse({ response }) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
      const isPage = response.headers.get('content-type')?.startsWith('text/html') === true;
      // A page brings its policy (GraphiQL's, or one a route set with it, e.g. a reveal link's).
      const policy = isPage ? (response.headers.get('content-security-policy') ?? graphiql.policy) : undefined;
      response.headers.set('content-security-policy', policy ?? API_CONTENT_SECURITY_POLICY);
      if (corsOn) response.headers.append('vary', 'Origin');
    },
  };
}

/** Yoga's CSRF prevention: a GET or form-like POST to /graphql without the header is refused (403). */
export function useCsrfPrevention(): Plugin {
  return useCSRFPrevention({ requestHeaders: [CSRF_HEADER] });
}

/**
 * Yoga's CORS: off (no Access-Control-* header, preflights unanswered) unless origins are
 * configured; then only a request from one of them is allowed, without cookies (the API
 * authenticates with headers), and no header is sent to any other origin.
 */
export function corsOptions(origins: readonly string[]): false | ((request: Request) => CORSOptions | false) {
  if (origins.length === 0) return false;
  const allowed = new Set(origins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowed.has(origin)) return false;
    return {
      origin: [origin],
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'accept', 'x-request-id', CSRF_HEADER],
      exposedHeaders: ['x-request-id', 'retry-after', 'www-authenticate'],
      credentials: false,
      maxAge: 600,
    };
  };
}
