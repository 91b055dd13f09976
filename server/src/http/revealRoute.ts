import type { App } from '../appTypes.ts';
import { requestIdOf, requestInfo } from '../context.ts';
import { ForbiddenError, MethodNotAllowedError } from '../domain/errors.ts';
import { REVEAL_PATH_PREFIX, openRevealLink, revealLinkOpenable } from '../services/revealLinks.ts';
import { restFailure } from './errors.ts';
import type { TextReply } from './reply.ts';
import type { RestRequest } from './rest.ts';

// GET|HEAD|POST /v1/reveal/<token>: a single-use reveal link (services/revealLinks.ts).
//
// Only POST uses the link up. GET and HEAD say whether it can still be opened and, for a browser,
// show a page with a "Reveal" button that POSTs back to the same URL: a chat's link preview, a
// mail scanner or a HEAD request never burn it. The revealed page loads its copy button's script
// from /v1/reveal/copy.js (no inline script; CSP default-src 'self'). Every link that cannot be
// opened (unknown, already opened, expired, ended by a rotation, disabling or revocation of its
// key) answers the same 410, so the answer tells nothing about which tokens ever existed.

export const REVEAL_SCRIPT_PATH = `${REVEAL_PATH_PREFIX}copy.js`;

export function isRevealPath(path: string): boolean {
  return path.startsWith(REVEAL_PATH_PREFIX) && path.length > REVEAL_PATH_PREFIX.length;
}

/** The reveal pages' policy: this origin only; the page's one script and its form post are same-origin. */
export const REVEAL_CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': REVEAL_CONTENT_SECURITY_POLICY,
  'x-robots-tag': 'noindex, nofollow',
} as const;
const JSON_REPLY_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } as const;

const GONE_MESSAGE = 'This link cannot be opened: it was used already, has expired, or its key was rotated, disabled or revoked. Ask for a new one.';

const COPY_SCRIPT = `'use strict';
document.getElementById('copy').addEventListener('click', function () {
  var key = document.getElementById('key');
  var status = document.getElementById('status');
  navigator.clipboard.writeText(key.textContent).then(function () {
    status.textContent = 'Copied to the clipboard.';
  }, function () {
    var range = document.createRange();
    range.selectNodeContents(key);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = 'Selected: press Ctrl+C (or Cmd+C) to copy.';
  });
});
`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

const readyPage = (expiresAt: Date) => page('Your API key', `<p>This link shows an API key once. Reveal it when you are ready to store it: afterwards the link no longer works.</p>
<form method="post"><button id="reveal" type="submit">Reveal the key</button></form>
<p>The link expires at <time datetime="${expiresAt.toISOString()}">${expiresAt.toISOString()}</time>.</p>`);

const revealedPage = (keyText: string) => page('Your API key', `<p>Store it now: it is shown this once, and this link no longer works.</p>
<p><code id="key">${escapeHtml(keyText)}</code></p>
<p><button id="copy" type="button">Copy</button> <span id="status" role="status"></span></p>
<script src="copy.js"></script>`);

const gonePage = () => page('This link no longer works', `<p>${escapeHtml(GONE_MESSAGE)}</p>`);

/** A JSON answer for a client that asks only for JSON; a page for a browser. */
function wantsJson(request: Request): boolean {
  const accept = request.headers.get('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export async function revealRoute(app: App, http: RestRequest): Promise<TextReply> {
  const requestId = requestIdOf(http.request);
  try {
    if (http.path === REVEAL_SCRIPT_PATH) {
      if (http.method !== 'GET' && http.method !== 'HEAD') throw new MethodNotAllowedError('GET, HEAD');
      return { status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-request-id': requestId }, body: http.method === 'HEAD' ? '' : COPY_SCRIPT };
    }
    const token = http.path.slice(REVEAL_PATH_PREFIX.length);
    const json = wantsJson(http.request);
    const reply = (status: number, html: string, body: unknown): TextReply => ({
      status,
      headers: { ...(json ? JSON_REPLY_HEADERS : PAGE_HEADERS), 'x-request-id': requestId },
      body: http.method === 'HEAD' ? '' : json ? JSON.stringify(body) : html,
    });
    const gone = () => reply(410, gonePage(), { error: { code: 'GONE', message: GONE_MESSAGE, requestId } });

    if (http.method === 'GET' || http.method === 'HEAD') {
      const openable = await revealLinkOpenable(app, token);
      if (openable === null) return gone();
      return reply(200, readyPage(openable.expiresAt), { status: 'READY', expiresAt: openable.expiresAt.toISOString(), reveal: 'POST this URL to reveal the key, once.' });
    }
    if (http.method !== 'POST') throw new MethodNotAllowedError('GET, HEAD, POST');
    // A browser says where a form post came from: another site's page may not use the link up.
    if (http.request.headers.get('sec-fetch-site') === 'cross-site') throw new ForbiddenError([], 'A reveal link is opened from its own page');
    const revealed = await openRevealLink(app, token, requestInfo(app, http.request, http.server));
    if (revealed === null) return gone();
    return reply(200, revealedPage(revealed.keyText), { key: revealed.keyText, clientId: revealed.publicId });
  } catch (error) {
    return restFailure(app.logger, error, { requestId, route: 'reveal' });
  }
}
