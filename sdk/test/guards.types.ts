// Compile-time tests of the framework guards' typing (checked by `pnpm typecheck`, never run): the
// verdict is typed where each framework puts request data, and misuses do not compile. Imports go
// through the package's own subpath exports, as an application's would.
import http from 'node:http';
import { getConnInfo } from '@hono/node-server/conninfo';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { createClient, type VerifyResult } from '@keywarden/sdk';
import { keywarden as expressGuard } from '@keywarden/sdk/express';
import { keyHook, keywarden as fastifyGuard } from '@keywarden/sdk/fastify';
import { withKey } from '@keywarden/sdk/fetch';
import { keywarden as honoGuard, type KeywardenEnv } from '@keywarden/sdk/hono';
import { keywarden as nodeGuard } from '@keywarden/sdk/node';

const client = createClient({ url: 'http://keywarden.test', apiKey: 'kw_test' });

// Express: `req.keywarden` through Express.Request, optional (a route may be unguarded).
const app = express();
app.get('/v1/tickets/:id', expressGuard({ client, scopes: ['tickets:read'], trustedProxies: ['10.0.0.0/8'] }), (req, res) => {
  const verdict: VerifyResult | undefined = req.keywarden;
  // @ts-expect-error: the verdict may be absent on an unguarded route
  const sure: VerifyResult = req.keywarden;
  // @ts-expect-error: a misspelt property is not the verdict
  res.json(req.keywardn);
  res.json({ verdict, sure, valid: req.keywarden?.valid });
});
// @ts-expect-error: trustedProxies is a list of ranges
expressGuard({ client, trustedProxies: '10.0.0.0/8' });
// @ts-expect-error: the guard needs a client
expressGuard({ scopes: ['tickets:read'] });

// node:http: `req.keywarden` on IncomingMessage.
const guard = nodeGuard({ client });
http.createServer((req, res) => guard(req, res, () => res.end(String(req.keywarden?.valid))));
// @ts-expect-error: the verdict is not a string
http.createServer((req) => req.keywarden?.toUpperCase());

// Hono: the verdict is a context variable typed by the middleware; without the guard it is not there.
const hono = new Hono();
hono.get('/v1/tickets/:id', honoGuard({ client, getConnInfo }), (c) => {
  const verdict: VerifyResult = c.get('keywarden');
  return c.json({ valid: verdict.valid });
});
const scoped = new Hono<KeywardenEnv>();
scoped.use(honoGuard({ client }));
scoped.get('/x', (c) => c.text(c.get('keywarden').code));
hono.get('/unguarded', (c) => {
  // @ts-expect-error: no guard on this route, no verdict variable
  const verdict: VerifyResult = c.get('keywarden');
  return c.json(verdict);
});
// @ts-expect-error: getConnInfo is the runtime's helper, not an address
honoGuard({ client, getConnInfo: '127.0.0.1' });

// Fastify: `request.keywarden` through FastifyRequest; the plugin's options are checked on register.
const fastify = Fastify({ trustProxy: true });
void fastify.register(fastifyGuard, { client, scopes: ['tickets:read'] });
fastify.get('/v1/tickets/:id', { preHandler: keyHook({ client }) }, async (request) => ({ valid: request.keywarden?.valid }));
// @ts-expect-error: the plugin needs a client
void fastify.register(fastifyGuard, { scopes: ['tickets:read'] });
fastify.get('/x', async (request) => {
  // @ts-expect-error: the verdict may be absent
  const verdict: VerifyResult = request.keywarden;
  return verdict;
});

// Fetch / Next.js: the handler gets the verdict and the route's own context arguments, typed.
export const GET = withKey(
  async (request: Request, verdict, context: { params: Promise<{ id: string }> }) => {
    const { id } = await context.params;
    return Response.json({ id, valid: verdict.valid, url: request.url });
  },
  { client, scopes: ['tickets:read'], clientIp: (request) => request.headers.get('x-real-ip') },
);
void GET(new Request('http://x.test/'), { params: Promise.resolve({ id: '1' }) });
// @ts-expect-error: the wrapped route keeps the handler's context parameter
void GET(new Request('http://x.test/'));
// @ts-expect-error: a handler must return a Response
withKey(async () => 'ok', { client });
