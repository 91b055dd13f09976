import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';
import { TOKEN_PREFIX } from '../../src/domain/caller.ts';

// Every 401 names how to authenticate (RFC 7235 §3.1): the Bearer challenge of RFC 6750 §3 on the
// management API, /v1/verify and the audit export (invalid_token when a credential was presented
// and refused, the bare challenge when none was), and HTTP Basic on the OAuth routes (RFC 6749 §5.2).

const MISSING = 'Bearer realm="keywarden"';
const REFUSED = /^Bearer realm="keywarden", error="invalid_token", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]+"$/;
const BASIC = 'Basic realm="keywarden", charset="UTF-8"';

let t: TestApp;
let server: Listening;
let tenant: TestTenant;
let key: TestKey;

beforeAll(async () => {
  t = await createTestApp();
  server = await listen(t.app);
  tenant = await createTenant(t.app, 'Challenges');
  key = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read', 'keys:verify'] });
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

interface Answer {
  status: number;
  challenge: string | undefined;
}

/** A request through Yoga's fetch (no port). */
async function viaFetch(path: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Answer> {
  const response = await t.fetch(path, init);
  await response.arrayBuffer();
  return { status: response.status, challenge: response.headers.get('www-authenticate') ?? undefined };
}

/** The same request over a real socket, as the server process serves it. */
function viaSocket(path: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: server.port, path, method: init.method, headers: init.headers }, (response) => {
      response.resume();
      response.on('end', () => {
        const challenge = response.headers['www-authenticate'];
        resolve({ status: response.statusCode!, challenge: Array.isArray(challenge) ? challenge.join(', ') : challenge });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) });
const form = (params: Record<string, string>) => ({ 'content-type': 'application/x-www-form-urlencoded', body: new URLSearchParams(params).toString() });

/** Each route's request, with the given credential headers. */
const ROUTES: Record<string, (credential: Record<string, string>) => { path: string; method: string; headers: Record<string, string>; body?: string }> = {
  'POST /graphql': (credential) => {
    const { body, ...type } = json({ query: '{ apiKeys(first: 1) { edges { node { id } } } }' });
    return { path: '/graphql', method: 'POST', headers: { ...type, ...credential }, body };
  },
  // A GET query carries the CSRF header (without it: 403 before any authentication).
  'GET /graphql': (credential) => ({
    path: `/graphql?query=${encodeURIComponent('{ me { id } }')}`,
    method: 'GET',
    headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1', ...credential },
  }),
  'POST /v1/verify': (credential) => {
    const { body, ...type } = json({ key: 'kw_not_a_real_key' });
    return { path: '/v1/verify', method: 'POST', headers: { ...type, ...credential }, body };
  },
  'GET /v1/audit/export': (credential) => ({ path: '/v1/audit/export', method: 'GET', headers: credential }),
};

const unknownSession = () => ({ authorization: `Bearer ${TOKEN_PREFIX.session}_${'x'.repeat(40)}` });
const wrongKey = () => ({ authorization: `Bearer ${key.text.slice(0, -1)}${key.text.endsWith('a') ? 'b' : 'a'}` });

describe.each([
  ['through Yoga fetch', viaFetch],
  ['over a real socket', viaSocket],
] as const)('WWW-Authenticate %s', (_how, send) => {
  const call = (route: string, credential: Record<string, string>) => {
    const { path, ...init } = ROUTES[route]!(credential);
    return send(path, init);
  };

  it.each(Object.keys(ROUTES))('%s without a credential: 401 with the bare Bearer challenge', async (route) => {
    expect(await call(route, {})).toEqual({ status: 401, challenge: MISSING });
  });

  it.each(Object.keys(ROUTES))('%s with a refused credential (unknown session, wrong key secret, in the X-API-Key header): 401 invalid_token', async (route) => {
    for (const credential of [unknownSession(), wrongKey(), { 'x-api-key': wrongKey().authorization.slice('Bearer '.length) }]) {
      const answer = await call(route, credential);
      expect(answer.status, JSON.stringify(credential)).toBe(401);
      expect(answer.challenge, JSON.stringify(credential)).toMatch(REFUSED);
    }
  });

  it('a good credential is not challenged; neither is a 403', async () => {
    const ok = await call('POST /graphql', { authorization: `Bearer ${key.text}` });
    expect(ok).toEqual({ status: 200, challenge: undefined });
    const forbidden = await call('GET /v1/audit/export', { authorization: `Bearer ${key.text}` });
    expect(forbidden).toEqual({ status: 403, challenge: undefined });
  });

  it.each(['/oauth/token', '/oauth/revoke'])('%s: every 401 asks for HTTP Basic (no client authentication, a wrong secret, a Bearer header, client_secret_post)', async (path) => {
    const params: Record<string, string> = path === '/oauth/token' ? { grant_type: 'client_credentials' } : { token: 'kwt_whatever' };
    const wrongBasic = { authorization: `Basic ${Buffer.from(`${key.publicId}:${'z'.repeat(32)}`).toString('base64')}` };
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{}, params],
      [wrongBasic, params],
      [{ authorization: `Bearer ${key.text}` }, params],
      [{}, { ...params, client_id: key.publicId, client_secret: 'z'.repeat(32) }],
    ];
    for (const [credential, p] of cases) {
      const { body, ...type } = form(p);
      const answer = await send(path, { method: 'POST', headers: { ...type, ...credential }, body });
      expect(answer, JSON.stringify(credential) + JSON.stringify(p)).toEqual({ status: 401, challenge: BASIC });
    }
  });
});
