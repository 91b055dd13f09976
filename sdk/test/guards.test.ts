// The framework guards (@keywarden/sdk/express, /hono, /fastify, /fetch, /node) guarding real
// servers on ephemeral ports, verifying the keys their clients present against a real Keywarden.
// Every framework serves the same routes and must give the same answers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serve, type HttpBindings } from '@hono/node-server';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient, requireKey, type KeywardenClient } from '../src/index.ts';
import { keywarden as expressGuard } from '../src/guards/express.ts';
import { keyHook, keywarden as fastifyGuard } from '../src/guards/fastify.ts';
import { withKey } from '../src/guards/fetch.ts';
import { keywarden as honoGuard, type KeywardenEnv } from '../src/guards/hono.ts';
import { keywarden as nodeGuard } from '../src/guards/node.ts';
import { canonicalIp, clientAddress, trustedProxies } from '../src/guards/clientAddress.ts';
import type { GuardOptions } from '../src/guards/shared.ts';
import { closedPort, startLiveServer, type LiveServer } from './helpers/liveServer.ts';

let live: LiveServer;
let verifier: KeywardenClient;
const keys: Record<string, string> = {};

/** The guard options each route uses. */
type Role = 'read' | 'write' | 'proxy' | 'untrusted' | 'down';
let options: Record<Role, GuardOptions>;

interface Started {
  url: string;
  close(): Promise<void>;
}

/** What a guarded handler answers: the verdict it was given, and the path it saw. */
const accepted = (verdict: unknown, path: string) => ({ verdict, path });

async function listen(server: http.Server): Promise<Started> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Routes, the same on every framework:
 *   GET  /v1/tickets/:id            read        POST /v1/tickets       write
 *   GET  /mounted/v1/tickets/:id    read, in a router mounted at /mounted
 *   GET  /proxied/:id               proxy (trusts 127.0.0.1)   GET /untrusted/:id   untrusted
 *   GET  /framework-ip/:id          read (the framework's own proxy setting trusts loopback)
 *   GET  /down/:id                  down (Keywarden unreachable)
 */
const frameworks: Record<string, { start(): Promise<Started>; honoursFrameworkProxy: boolean }> = {
  express: {
    honoursFrameworkProxy: true,
    async start() {
      const app = express();
      app.set('trust proxy', 'loopback');
      const send = (req: express.Request, res: express.Response) => res.json(accepted(req.keywarden, req.originalUrl));
      app.get('/v1/tickets/:id', expressGuard(options.read), send);
      app.post('/v1/tickets', expressGuard(options.write), send);
      const tickets = express.Router();
      tickets.use(expressGuard(options.read));
      tickets.get('/v1/tickets/:id', send);
      app.use('/mounted', tickets);
      // requireKey()'s own Node middleware checks the full path too (originalUrl).
      const legacy = express.Router();
      legacy.get('/tickets/legacy/:id', requireKey(options.read).node, send);
      app.use('/mounted/v1', legacy);
      app.get('/proxied/:id', expressGuard(options.proxy), send);
      app.get('/untrusted/:id', expressGuard(options.untrusted), send);
      app.get('/framework-ip/:id', expressGuard(options.read), send);
      app.get('/down/:id', expressGuard(options.down), send);
      return listen(http.createServer(app));
    },
  },
  hono: {
    honoursFrameworkProxy: false,
    async start() {
      const app = new Hono<{ Bindings: HttpBindings }>();
      const guard = (role: Role) => honoGuard({ ...options[role], getConnInfo });
      app.get('/v1/tickets/:id', guard('read'), (c) => c.json(accepted(c.get('keywarden'), c.req.path)));
      app.post('/v1/tickets', guard('write'), (c) => c.json(accepted(c.get('keywarden'), c.req.path)));
      const tickets = new Hono<KeywardenEnv & { Bindings: HttpBindings }>();
      tickets.use(guard('read'));
      tickets.get('/v1/tickets/:id', (c) => c.json(accepted(c.get('keywarden'), c.req.path)));
      app.route('/mounted', tickets);
      for (const role of ['proxy', 'untrusted', 'down'] as const) {
        app.get(`/${role === 'proxy' ? 'proxied' : role}/:id`, guard(role), (c) => c.json(accepted(c.get('keywarden'), c.req.path)));
      }
      app.get('/framework-ip/:id', guard('read'), (c) => c.json(accepted(c.get('keywarden'), c.req.path)));
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as http.Server;
      await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', resolve)));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: async () => {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
    },
  },
  fastify: {
    honoursFrameworkProxy: true,
    async start() {
      const app: FastifyInstance = Fastify({ trustProxy: '127.0.0.1' });
      const send = async (request: { keywarden?: unknown; url: string }) => accepted(request.keywarden, request.url);
      // A route's own preHandler, and the plugin guarding every route of the scope it is registered in.
      app.get('/v1/tickets/:id', { preHandler: keyHook(options.read) }, send);
      app.post('/v1/tickets', { preHandler: keyHook(options.write) }, send);
      await app.register(
        async (scope) => {
          await scope.register(fastifyGuard, options.read);
          scope.get('/v1/tickets/:id', send);
        },
        { prefix: '/mounted' },
      );
      await app.register(async (scope) => {
        await scope.register(fastifyGuard, options.proxy);
        scope.get('/proxied/:id', send);
      });
      app.get('/untrusted/:id', { preHandler: keyHook(options.untrusted) }, send);
      app.get('/framework-ip/:id', { preHandler: keyHook(options.read) }, send);
      app.get('/down/:id', { preHandler: keyHook(options.down) }, send);
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
    },
  },
  fetch: {
    honoursFrameworkProxy: false,
    async start() {
      // Route handlers as Next.js and the Fetch-API runtimes call them: (request, ...context).
      const peer = (_request: Request, env: HttpBindings) => env.incoming.socket.remoteAddress;
      const handler = async (request: Request, verdict: unknown, _env: HttpBindings) => Response.json(accepted(verdict, new URL(request.url).pathname));
      const route = (role: Role) => withKey(handler, { ...options[role], clientIp: peer });
      const routes: Array<[string, RegExp, ReturnType<typeof route>]> = [
        ['GET', /^\/(mounted\/)?v1\/tickets\/[^/]+$/, route('read')],
        ['POST', /^\/v1\/tickets$/, route('write')],
        ['GET', /^\/proxied\//, route('proxy')],
        ['GET', /^\/untrusted\//, route('untrusted')],
        ['GET', /^\/framework-ip\//, route('read')],
        ['GET', /^\/down\//, route('down')],
      ];
      const server = serve({
        port: 0,
        hostname: '127.0.0.1',
        fetch: (request, env) => {
          const path = new URL(request.url).pathname;
          const match = routes.find(([method, pattern]) => method === request.method && pattern.test(path));
          return match ? match[2](request, env as HttpBindings) : new Response('not found', { status: 404 });
        },
      }) as http.Server;
      await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', resolve)));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: async () => {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
    },
  },
  node: {
    honoursFrameworkProxy: false,
    async start() {
      const guards = Object.fromEntries(Object.entries(options).map(([role, o]) => [role, nodeGuard(o)])) as Record<Role, ReturnType<typeof nodeGuard>>;
      const roleOf = (method: string, path: string): Role | null => {
        if (method === 'POST' && path === '/v1/tickets') return 'write';
        if (/^\/(mounted\/)?v1\/tickets\/[^/]+$/.test(path) || path.startsWith('/framework-ip/')) return 'read';
        if (path.startsWith('/proxied/')) return 'proxy';
        if (path.startsWith('/untrusted/')) return 'untrusted';
        if (path.startsWith('/down/')) return 'down';
        return null;
      };
      return listen(
        http.createServer((req, res) => {
          const role = roleOf(req.method!, req.url!.split('?')[0]!);
          if (!role) return void res.writeHead(404).end();
          guards[role](req, res, () => {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(accepted(req.keywarden, req.url!)));
          });
        }),
      );
    },
  },
};

beforeAll(async () => {
  live = await startLiveServer();
  const tenant = await live.createTenant();
  const owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
  for (const name of ['tickets:read', 'tickets:write']) await owner.scopes.create({ name });
  const issue = async (name: string, input: Parameters<typeof owner.keys.create>[0]) => {
    const created = await owner.keys.create(input);
    keys[name] = created.secret;
    return created.apiKey;
  };
  await issue('verifier', { name: 'ticket-api', scopes: ['keys:verify'] });
  await issue('reader', { name: 'reader', scopes: ['tickets:read'], endpoints: ['GET /v1/tickets/**'] });
  await issue('mounted', { name: 'mounted reader', scopes: ['tickets:read'], endpoints: ['GET /mounted/v1/tickets/**'] });
  await issue('plain', { name: 'plain reader', scopes: ['tickets:read'] });
  await issue('writer', { name: 'writer', scopes: ['tickets:read', 'tickets:write'] });
  await issue('office', { name: 'office only', scopes: ['tickets:read'], ipRules: [{ action: 'ALLOW', cidr: '10.0.0.0/8' }] });
  const revoked = await issue('revoked', { name: 'revoked', scopes: ['tickets:read'] });
  await owner.keys.revoke({ id: revoked.id, reason: 'leaked' });

  verifier = createClient({ url: live.url, apiKey: keys.verifier! });
  const unreachable = createClient({ url: `http://127.0.0.1:${await closedPort()}`, apiKey: keys.verifier!, retry: false });
  options = {
    read: { client: verifier, scopes: ['tickets:read'] },
    write: { client: verifier, scopes: ['tickets:write'] },
    proxy: { client: verifier, scopes: ['tickets:read'], trustedProxies: ['127.0.0.1', '::1/128'] },
    untrusted: { client: verifier, scopes: ['tickets:read'], trustedProxies: ['192.0.2.0/24'] },
    down: { client: unreachable, scopes: ['tickets:read'] },
  };
});
afterAll(async () => {
  await live?.close();
});

const bearer = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...extra });

/** The existing Fetch guard's answer to the same request: the body and headers every guard must match. */
async function reference(path: string, headers: Record<string, string>, ip = '127.0.0.1') {
  const response = await requireKey(options.read).fetch(new Request(`http://tickets.test${path}`, { headers }), { ip });
  return { status: response!.status, body: await response!.json(), headers: Object.fromEntries(['content-type', 'cache-control', 'www-authenticate'].map((n) => [n, response!.headers.get(n)])) };
}

describe.each(Object.keys(frameworks))('%s guard', (name) => {
  const framework = frameworks[name]!;
  let api: Started;
  beforeAll(async () => {
    api = await framework.start();
  });
  afterAll(async () => {
    await api?.close();
  });

  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${api.url}${path}`, init);
    return { status: response.status, headers: response.headers, body: await response.json() };
  };
  const refusalHeaders = (headers: Headers) => Object.fromEntries(['content-type', 'cache-control', 'www-authenticate'].map((n) => [n, headers.get(n)?.replace(/;\s*charset=utf-8/i, '; charset=utf-8') ?? null]));

  test('a valid key passes, with its verdict on the request; the query string is not part of the endpoint', async () => {
    const response = await call('/v1/tickets/42?expand=1', { headers: bearer(keys.reader!) });
    expect(response.status).toBe(200);
    expect(response.body.verdict).toMatchObject({ valid: true, code: 'VALID', keyId: expect.stringMatching(/^key_/), scopes: ['tickets:read'] });
    const viaHeader = await call('/v1/tickets', { method: 'POST', headers: { 'x-api-key': keys.writer! } });
    expect(viaHeader).toMatchObject({ status: 200, body: { verdict: { valid: true } } });
  });

  test('missing and malformed keys: 401 with the same body and headers as requireKey()', async () => {
    for (const headers of [{}, bearer('kw_not-a-key'), { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const response = await call('/v1/tickets/1', { headers });
      const expected = await reference('/v1/tickets/1', headers);
      expect(response.status).toBe(401);
      expect(response.body).toEqual(expected.body);
      expect(refusalHeaders(response.headers)).toEqual(expected.headers);
    }
  });

  test('wrong scope, wrong endpoint, revoked: 403/401 with the verdict code, as requireKey() answers', async () => {
    const scope = await call('/v1/tickets', { method: 'POST', headers: bearer(keys.plain!) });
    expect(scope).toMatchObject({ status: 403, body: { error: { code: 'INSUFFICIENT_SCOPES', missingScopes: ['tickets:write'] } } });
    const endpoint = await call('/mounted/v1/tickets/1', { headers: bearer(keys.reader!) });
    expect(endpoint).toMatchObject({ status: 403, body: { error: { code: 'ENDPOINT_NOT_ALLOWED' } } });
    expect(endpoint.body).toEqual((await reference('/mounted/v1/tickets/1', bearer(keys.reader!))).body);
    const revoked = await call('/v1/tickets/1', { headers: bearer(keys.revoked!) });
    expect(revoked).toMatchObject({ status: 401, body: { error: { code: 'REVOKED' } } });
    expect(revoked.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  test('a router mounted at /mounted checks the full path', async () => {
    const mounted = await call('/mounted/v1/tickets/1?x=1', { headers: bearer(keys.mounted!) });
    expect(mounted).toMatchObject({ status: 200, body: { verdict: { valid: true } } });
    if (name === 'express') {
      const legacy = await call('/mounted/v1/tickets/legacy/1', { headers: bearer(keys.mounted!) });
      expect(legacy).toMatchObject({ status: 200, body: { verdict: { valid: true }, path: '/mounted/v1/tickets/legacy/1' } });
    }
    const unmounted = await call('/v1/tickets/1', { headers: bearer(keys.mounted!) });
    expect(unmounted).toMatchObject({ status: 403, body: { error: { code: 'ENDPOINT_NOT_ALLOWED' } } });
  });

  test('X-Forwarded-For is believed only from trusted proxies, walking from the right', async () => {
    const viaProxy = await call('/proxied/1', { headers: bearer(keys.office!, { 'x-forwarded-for': '10.1.2.3' }) });
    expect(viaProxy).toMatchObject({ status: 200, body: { verdict: { valid: true } } });
    // The client wrote the leftmost entry itself; the proxy appended the address it saw.
    const spoofed = await call('/proxied/1', { headers: bearer(keys.office!, { 'x-forwarded-for': '10.1.2.3, 203.0.113.9' }) });
    expect(spoofed).toMatchObject({ status: 403, body: { error: { code: 'IP_NOT_ALLOWED' } } });
    const untrusted = await call('/untrusted/1', { headers: bearer(keys.office!, { 'x-forwarded-for': '10.1.2.3' }) });
    expect(untrusted).toMatchObject({ status: 403, body: { error: { code: 'IP_NOT_ALLOWED' } } });
    // Without trustedProxies the framework's own setting decides (Express trust proxy, Fastify trustProxy).
    const framework = await call('/framework-ip/1', { headers: bearer(keys.office!, { 'x-forwarded-for': '10.1.2.3' }) });
    expect(framework.status).toBe(name in frameworks && frameworks[name]!.honoursFrameworkProxy ? 200 : 403);
  });

  test('Keywarden down: fail closed with 503', async () => {
    const response = await call('/down/1', { headers: bearer(keys.reader!) });
    expect(response).toMatchObject({ status: 503, body: { error: { code: 'VERIFIER_UNAVAILABLE' } } });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('client address', () => {
  const trust = trustedProxies(['10.0.0.0/8', '2001:db8::/32', '::ffff:192.168.0.0/112']);

  test('IPv4-mapped IPv6 is IPv4; IPv6 is canonical; ports, brackets and zones are dropped', () => {
    expect(canonicalIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(canonicalIp('::FFFF:cb00:7107')).toBe('203.0.113.7');
    expect(canonicalIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIp('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(canonicalIp('203.0.113.7:8080')).toBe('203.0.113.7');
    expect(canonicalIp('fe80::1%eth0')).toBe('fe80::1');
    for (const bad of ['', 'unknown', '256.1.1.1', '1.2.3', '1::2::3', '12345::1', 'g::1', null]) expect(canonicalIp(bad)).toBeNull();
  });

  test('ranges match across notations; a malformed range is refused when the guard is built', () => {
    expect(trust('10.200.0.1')).toBe(true);
    expect(trust('::ffff:10.0.0.1')).toBe(true);
    expect(trust('192.168.3.4')).toBe(true);
    expect(trust('2001:db8:ffff::9')).toBe(true);
    expect(trust('11.0.0.1')).toBe(false);
    expect(trust('2001:db9::1')).toBe(false);
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'proxy.internal', '10.0.0.0/8/1', '::/129']) {
      expect(() => trustedProxies([bad])).toThrow(/trustedProxies/);
    }
  });

  test('X-Forwarded-For is walked from the right while the hop is a trusted proxy', () => {
    expect(clientAddress('10.0.0.1', '198.51.100.1, 10.0.0.2', trust)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.1', ['6.6.6.6, 198.51.100.1', '10.0.0.2'], trust)).toBe('198.51.100.1');
    // An untrusted peer's header is ignored; a malformed hop stops the walk at the last proxy believed.
    expect(clientAddress('198.51.100.1', '10.9.9.9', trust)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.1', '203.0.113.5, garbage', trust)).toBe('10.0.0.1');
    expect(clientAddress('::ffff:10.0.0.1', '10.0.0.3', trust)).toBe('10.0.0.3');
    expect(clientAddress('10.0.0.1', undefined, trust)).toBe('10.0.0.1');
    expect(clientAddress('::ffff:10.0.0.1', '198.51.100.1', null)).toBe('10.0.0.1');
  });
});
