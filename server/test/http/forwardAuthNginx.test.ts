import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';

// Forward-auth behind a real NGINX (auth_request), configured as the README shows: NGINX started
// on a free loopback port with a generated configuration, in front of a small upstream that
// echoes the identity headers it receives.

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const haveNginx = existsSync(NGINX);
if (!haveNginx) console.warn(`forwardAuthNginx.test.ts skipped: no NGINX at ${NGINX} (apt-get install nginx, or set NGINX_PATH)`);

let t: TestApp;
let keywarden: Listening;
let upstream: http.Server;
let nginx: ChildProcess | undefined;
let nginxPort: number;
let dir: string;
let tenant: TestTenant;
let proxy: TestKey;
const nginxOutput: string[] = [];

function nginxConfig(keywardenPort: number, upstreamPort: number, listenPort: number, caller: string): string {
  return `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  upstream keywarden { server 127.0.0.1:${keywardenPort}; keepalive 8; }

  server {
    listen 127.0.0.1:${listenPort};

    location = /_keywarden {
      internal;
      proxy_pass http://keywarden/v1/forward-auth;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Keywarden-Caller "Bearer ${caller}";
    }

    location / {
      auth_request /_keywarden;
      auth_request_set $kw_key_id $upstream_http_x_keywarden_key_id;
      auth_request_set $kw_tenant_id $upstream_http_x_keywarden_tenant_id;
      auth_request_set $kw_owner $upstream_http_x_keywarden_owner;
      auth_request_set $kw_scopes $upstream_http_x_keywarden_scopes;
      auth_request_set $kw_external_id $upstream_http_x_keywarden_external_id;
      auth_request_set $kw_refusal $upstream_http_x_keywarden_refusal;
      auth_request_set $kw_retry_after $upstream_http_retry_after;
      auth_request_set $kw_status $upstream_status;
      add_header X-Keywarden-Refusal $kw_refusal always;
      error_page 500 = @keywarden_error;

      proxy_set_header X-Keywarden-Key-Id $kw_key_id;
      proxy_set_header X-Keywarden-Tenant-Id $kw_tenant_id;
      proxy_set_header X-Keywarden-Owner $kw_owner;
      proxy_set_header X-Keywarden-Scopes $kw_scopes;
      proxy_set_header X-Keywarden-External-Id $kw_external_id;
      proxy_set_header Authorization "";
      proxy_set_header X-API-Key "";
      proxy_pass http://127.0.0.1:${upstreamPort};
    }

    # auth_request turns any answer but 2xx, 401 and 403 into 500: give 429 and 503 back their status.
    location @keywarden_error {
      if ($kw_status = 429) { add_header Retry-After $kw_retry_after always; return 429; }
      if ($kw_status = 503) { add_header Retry-After $kw_retry_after always; return 503; }
      return 500;
    }
  }
}
`;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once NGINX accepts connections on its port; rejects if it exits first or takes over 30 s. */
async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`nginx exited: ${nginxOutput.join('')}`);
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}: ${nginxOutput.join('')}`);
    // Each refused connection is an answer: ask again on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe.skipIf(!haveNginx)('forward-auth behind NGINX', () => {
  beforeAll(async () => {
    t = await createTestApp();
    keywarden = await listen(t.app);
    upstream = http.createServer((req, res) => {
      const seen = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith('x-keywarden-') || name === 'authorization' || name === 'x-api-key'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: seen }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));

    tenant = await createTenant(t.app, 'Behind NGINX');
    proxy = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
    const set = await t.graphql(
      `mutation($input: SetRouteMapInput!) { setRouteMap(input: $input) { __typename } }`,
      { input: { defaultAction: 'DENY', routes: [{ pattern: 'GET /v1/tickets/**', scopes: ['tickets:read'] }, { pattern: 'POST /v1/tickets', scopes: ['tickets:write'] }] } },
      { token: tenant.owner.token },
    );
    expect(set.data.setRouteMap.__typename).toBe('RouteMapPayload');

    dir = mkdtempSync(path.join(tmpdir(), 'keywarden-nginx-'));
    nginxPort = await freePort();
    const conf = path.join(dir, 'nginx.conf');
    writeFileSync(conf, nginxConfig(keywarden.port, (upstream.address() as AddressInfo).port, nginxPort, proxy.text));
    nginx = spawn(NGINX, ['-p', dir, '-c', conf, '-g', `daemon off; pid ${dir}/nginx.pid; error_log stderr;`], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stdout!.on('data', (chunk: Buffer) => nginxOutput.push(chunk.toString()));
    nginx.stderr!.on('data', (chunk: Buffer) => nginxOutput.push(chunk.toString()));
    await waitForPort(nginxPort, nginx);
  }, 120_000);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGTERM');
      await exited;
    }
    await new Promise((resolve) => upstream?.close(resolve));
    await keywarden?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function through(pathAndQuery: string, init: { method?: string; headers?: Record<string, string> } = {}) {
    const response = await fetch(`http://127.0.0.1:${nginxPort}${pathAndQuery}`, { method: init.method ?? 'GET', headers: init.headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  }

  const key = (options: Partial<Parameters<typeof createTestKey>[2]> = {}) =>
    createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'], ...options });

  it('a key with the right scope reaches the upstream, which sees its identity and not its key', async () => {
    const k = await key({ metadata: { externalId: 'cust-7' } });
    const response = await through('/v1/tickets/42?page=2', { headers: { authorization: `Bearer ${k.text}`, 'x-keywarden-key-id': 'forged' } });
    expect(response.status, response.text).toBe(200);
    const echoed = JSON.parse(response.text);
    expect(echoed.url).toBe('/v1/tickets/42?page=2');
    expect(echoed.headers).toEqual({
      'x-keywarden-key-id': k.id,
      'x-keywarden-tenant-id': tenant.id,
      'x-keywarden-owner': tenant.owner.id,
      'x-keywarden-scopes': 'tickets:read',
      'x-keywarden-external-id': 'cust-7',
    });
  });

  it('a missing credential is 401 with the challenge; a missing scope 403', async () => {
    const none = await through('/v1/tickets');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="keywarden"');
    const k = await key();
    const post = await through('/v1/tickets', { method: 'POST', headers: { 'x-api-key': k.text } });
    expect(post.status).toBe(403);
    expect(post.headers.get('x-keywarden-refusal')).toBe('INSUFFICIENT_SCOPES');
  });

  it("an address outside the key's IP rules, an endpoint outside its globs: 403", async () => {
    const far = await key({ ipRules: [{ action: 'ALLOW', cidr: '203.0.113.0/24' }] });
    const ip = await through('/v1/tickets', { headers: { 'x-api-key': far.text } });
    expect(ip.status).toBe(403);
    expect(ip.headers.get('x-keywarden-refusal')).toBe('IP_NOT_ALLOWED');
    const narrow = await key({ endpoints: ['GET /v1/tickets/*'] });
    expect((await through('/v1/tickets/1', { headers: { 'x-api-key': narrow.text } })).status).toBe(200);
    const outside = await through('/v1/tickets/1/comments', { headers: { 'x-api-key': narrow.text } });
    expect(outside.status).toBe(403);
    expect(outside.headers.get('x-keywarden-refusal')).toBe('ENDPOINT_NOT_ALLOWED');
  });

  it('a rate-limited key gets 429 with Retry-After through the error mapping', async () => {
    const k = await key({ rateLimitMax: 1, rateLimitWindowMs: 60_000 });
    expect((await through('/v1/tickets', { headers: { 'x-api-key': k.text } })).status).toBe(200);
    const limited = await through('/v1/tickets', { headers: { 'x-api-key': k.text } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a revoked key is refused; a revocation is seen through the proxy within 1 s', async () => {
    const k = await key();
    const headers = { authorization: `Bearer ${k.text}` };
    // Warm: the key's proof is cached.
    expect((await through('/v1/tickets', { headers })).status).toBe(200);
    expect((await through('/v1/tickets', { headers })).status).toBe(200);
    const revoked = await t.graphql(
      `mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { __typename } }`,
      { input: { id: k.id, reason: 'test' } },
      { token: tenant.owner.token },
    );
    expect(revoked.data.revokeKey.__typename).toBe('ApiKeyPayload');
    const answered = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - answered <= 1_000) status = (await through('/v1/tickets', { headers })).status;
    expect(status).toBe(403);
    expect(Date.now() - answered).toBeLessThanOrEqual(1_000);
    const after = await through('/v1/tickets', { headers });
    expect(after.headers.get('x-keywarden-refusal')).toBe('REVOKED');
  });

  it('no secret in what the client sees or in the logs', async () => {
    const k = await key();
    const answers = [
      await through('/v1/tickets', { headers: { authorization: `Bearer ${k.text}` } }),
      await through('/v1/tickets', { method: 'POST', headers: { authorization: `Bearer ${k.text}` } }),
      await through('/v1/tickets', { headers: { authorization: `Bearer ${k.text.slice(0, -1)}x` } }),
    ].map((r) => JSON.stringify([...r.headers]) + r.text);
    for (const text of [...answers, t.logs.text(), nginxOutput.join('')]) {
      for (const secret of [k.text, k.secret, proxy.text, proxy.secret]) expect(text).not.toContain(secret);
    }
  });
});
