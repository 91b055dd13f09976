// `pnpm soak [--duration <seconds>] [--concurrency <n>]`: the server process under mixed traffic
// for a bounded time (default 3 minutes), then throughput, latency, errors, memory and event-loop
// delay at the start and at the end. Exits non-zero when any answer was not the one expected.
//
// The server runs as its own process (dist/server.mjs, bundled as `pnpm start` does) on loopback, on
// PGlite in a temporary folder unless DATABASE_URL is set. The traffic, from this process:
//   management GraphQL with an owner's session: list, create, update and revoke keys; create,
//   list and update groups;
//   POST /v1/verify with a verifier key: warm (a few long-lived keys), cold (keys just created,
//   their first verification hashes), refusals (malformed, wrong scope, revoked: a verdict of
//   valid: false is the expected answer).
// Memory: the child's RSS (`ps`), sampled every 10 s. Event-loop delay: a separate poller sends one
// GET /healthz every 100 ms, whose latency stands for it (a /metrics endpoint with the process's
// own event-loop lag, when the server has one, is read too).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildServer } from './bundle.ts';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { duration: { type: 'string', default: '180' }, concurrency: { type: 'string', default: '8' } } });
const DURATION_S = Number(args.duration);
const CONCURRENCY = Number(args.concurrency);
if (!(DURATION_S > 0) || !(CONCURRENCY > 0)) throw new Error('--duration and --concurrency are positive numbers');
/** Start and end windows for the event-loop figures: a tenth of the run, 5 to 30 s. */
const WINDOW_MS = Math.min(30_000, Math.max(5_000, (DURATION_S * 1000) / 10));

const loadAverage = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Seed: a tenant, an owner's session for management, a verifier key, a few warm keys.

type Database = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };
interface Seed {
  session: string;
  verifierKey: string;
  warmKeys: string[];
  prefix: string;
}

async function seed(database: Database): Promise<Seed> {
  const { withSeededTenant } = await import('./seedTenant.ts');
  const { newId } = await import('../src/domain/ids.ts');
  return withSeededTenant(database, 'Soak', async ({ prisma, tenant, session, key }) => {
    await prisma.scope.create({ data: { id: newId('scp'), tenantId: tenant.id, name: 'tickets:read' } });
    const verifierKey = (await key(['keys:verify'])).text;
    const warmKeys: string[] = [];
    for (let i = 0; i < 4; i++) warmKeys.push((await key(['tickets:read'])).text);
    return { session, verifierKey, warmKeys, prefix: tenant.keyPrefix };
  });
}

// ---------------------------------------------------------------------------------------------
// The server process.

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startServer(env: Record<string, string>): Promise<{ pid: number; base: string; stop(): Promise<number | null> }> {
  const port = await freePort();
  const [bundle] = await buildServer();
  const child = spawn(process.execPath, [bundle!], {
    cwd: SERVER_DIR,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', KEYWARDEN_BOOTSTRAP_ON_START: 'false' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  for (let ready = false; !ready; ) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before listening`);
    ready = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (!ready) await sleep(200);
  }
  return {
    pid: child.pid!,
    base,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Resident memory of a process, in MB. */
function rssMb(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) / 1024;
}

// ---------------------------------------------------------------------------------------------
// Traffic.

interface Outcome {
  ok: boolean;
  /** Refused for capacity (503 OVERLOADED with Retry-After): the back-pressure asked of the server, counted apart. */
  shed?: boolean;
  /** What was wrong, for the first few failures printed. */
  detail?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY + 2 });

function request(base: string, method: string, pathname: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathname}`, { method, headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

async function main(): Promise<void> {
  const dataDir = process.env.DATABASE_URL ? null : mkdtempSync(path.join(tmpdir(), 'keywarden-soak-'));
  const database: Database = process.env.DATABASE_URL ? { kind: 'postgres', url: process.env.DATABASE_URL } : { kind: 'pglite', dataDir: dataDir! };
  const dbEnv: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { KEYWARDEN_DATA_DIR: dataDir! };
  console.log(`Keywarden soak: ${DURATION_S} s, ${CONCURRENCY} concurrent clients, ${database.kind}, Node ${process.version}, load average ${loadAverage()}.`);

  const s = await seed(database);
  const server = await startServer(dbEnv);
  const { base } = server;
  const manage = { 'content-type': 'application/json', authorization: `Bearer ${s.session}` };
  const verifier = { 'content-type': 'application/json', authorization: `Bearer ${s.verifierKey}` };

  const graphql = async (query: string, variables: Record<string, unknown>, field: string, expect: (data: any) => boolean): Promise<Outcome & { data?: any }> => {
    const { status, text } = await request(base, 'POST', '/graphql', manage, JSON.stringify({ query, variables }));
    if (status !== 200) return { ok: false, detail: `${field}: HTTP ${status} ${text.slice(0, 200)}` };
    const body = JSON.parse(text) as { data?: Record<string, any>; errors?: unknown[] };
    const data = body.data?.[field];
    if (body.errors?.length || !data || !expect(data)) return { ok: false, detail: `${field}: ${text.slice(0, 300)}` };
    return { ok: true, data };
  };
  const success = (data: { __typename?: string }) => !!data.__typename && !data.__typename.endsWith('Error');
  const verify = async (key: string, scopes: string[], valid: boolean): Promise<Outcome> => {
    const { status, text } = await request(base, 'POST', '/v1/verify', verifier, JSON.stringify({ key, scopes, ip: '198.51.100.7', endpoint: 'GET /v1/tickets/1' }));
    if (status === 503 && /"code":"OVERLOADED"/.test(text)) return { ok: true, shed: true };
    if (status !== 200) return { ok: false, detail: `verify: HTTP ${status} ${text.slice(0, 200)}` };
    const verdict = JSON.parse(text) as { valid: boolean; code: string };
    return verdict.valid === valid ? { ok: true } : { ok: false, detail: `verify: expected valid ${valid}, got ${text.slice(0, 200)}` };
  };

  // Keys the soak made: fresh ones (not verified yet), live ones, revoked ones.
  const fresh: { id: string; key: string }[] = [];
  const live: { id: string; key: string }[] = [];
  const revoked: string[] = [];
  const groups: string[] = [];
  /** Keys an update is in flight for: not revoked under it (a revoked key cannot be changed: ConflictError). */
  const updating = new Set<string>();
  let n = 0;
  const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];

  const KEY_FIELDS = '__typename ... on CreateKeyPayload { apiKey { id } key }';
  const createKey = async (): Promise<Outcome> => {
    const r = await graphql(`mutation($input: CreateKeyInput!) { createKey(input: $input) { ${KEY_FIELDS} } }`,
      { input: { name: `soak ${++n}`, scopes: ['tickets:read'], groupId: pick(groups) ?? null, metadata: { soak: n } } }, 'createKey', success);
    if (r.ok) fresh.push({ id: r.data.apiKey.id, key: r.data.key });
    return r;
  };
  const operations: { name: string; weight: number; run: () => Promise<Outcome> }[] = [
    { name: 'verify warm', weight: 40, run: () => verify(pick(s.warmKeys)!, ['tickets:read'], true) },
    {
      name: 'verify cold (new key)', weight: 4, run: async () => {
        const k = fresh.shift();
        if (!k) return createKey();
        const r = await verify(k.key, ['tickets:read'], true);
        // Shed: the key is still new; a client would retry it later.
        (r.shed ? fresh : live).push(k);
        return r;
      },
    },
    { name: 'verify refused: malformed', weight: 5, run: () => verify(`${s.prefix}_not-a-key-${n}`, ['tickets:read'], false) },
    { name: 'verify refused: scope', weight: 5, run: () => verify(pick(s.warmKeys)!, ['tickets:write'], false) },
    { name: 'verify refused: revoked', weight: 3, run: async () => (revoked.length ? verify(pick(revoked)!, ['tickets:read'], false) : verify(pick(s.warmKeys)!, ['tickets:read'], true)) },
    {
      name: 'list keys', weight: 10, run: () => graphql('query($first: Int) { apiKeys(first: $first) { edges { node { id name status maskedKey scopes effectiveScopes group { name } } } pageInfo { hasNextPage endCursor } } }',
        { first: 20 }, 'apiKeys', (d) => Array.isArray(d.edges)),
    },
    { name: 'create key', weight: 8, run: createKey },
    {
      name: 'update key', weight: 5, run: async () => {
        const k = pick(live);
        if (!k) return createKey();
        updating.add(k.id);
        try {
          return await graphql('mutation($input: UpdateKeyInput!) { updateKey(input: $input) { __typename } }', { input: { id: k.id, name: `soak renamed ${++n}`, description: 'soak' } }, 'updateKey', success);
        } finally {
          updating.delete(k.id);
        }
      },
    },
    {
      name: 'revoke key', weight: 3, run: async () => {
        // Keep a few live keys to update.
        const idle = live.filter((k) => !updating.has(k.id));
        if (idle.length < 5) return createKey();
        const k = idle[Math.floor(Math.random() * idle.length)]!;
        live.splice(live.indexOf(k), 1);
        const r = await graphql('mutation($input: RevokeKeyInput!) { revokeKey(input: $input) { __typename } }', { input: { id: k.id, reason: 'soak' } }, 'revokeKey', success);
        if (r.ok) revoked.push(k.key);
        return r;
      },
    },
    {
      name: 'create group', weight: 1, run: async () => {
        const r = await graphql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { __typename ... on GroupPayload { group { id } } } }',
          { input: { name: `soak group ${++n}`, defaultScopes: ['tickets:read'] } }, 'createGroup', success);
        if (r.ok) groups.push(r.data.group.id);
        return r;
      },
    },
    { name: 'list groups', weight: 3, run: () => graphql('{ groups(first: 20) { edges { node { id name keyCount } } } }', {}, 'groups', (d) => Array.isArray(d.edges)) },
    {
      name: 'update group', weight: 2, run: async () => {
        const id = pick(groups);
        if (!id) return graphql('{ groups(first: 5) { edges { node { id } } } }', {}, 'groups', (d) => Array.isArray(d.edges));
        return graphql('mutation($input: UpdateGroupInput!) { updateGroup(input: $input) { __typename } }', { input: { id, description: `soak ${++n}` } }, 'updateGroup', success);
      },
    },
  ];
  const totalWeight = operations.reduce((sum, o) => sum + o.weight, 0);
  const choose = () => {
    let r = Math.random() * totalWeight;
    for (const o of operations) if ((r -= o.weight) < 0) return o;
    return operations[0]!;
  };

  const stats = new Map(operations.map((o) => [o.name, { latencies: [] as number[], errors: 0, shed: 0 }]));
  const failures: string[] = [];
  // Event-loop proxy: one /healthz at a time, every 100 ms, timestamped.
  const healthz: { at: number; ms: number; ok: boolean }[] = [];
  const rss: { at: number; mb: number }[] = [];
  const metrics: { at: number; lagP99?: number }[] = [];
  const readMetrics = async (at: number) => {
    const { status, text } = await request(base, 'GET', '/metrics', {}).catch(() => ({ status: 0, text: '' }));
    const lag = status === 200 ? /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? ([\d.e+-]+)/m.exec(text) : null;
    metrics.push({ at, lagP99: lag ? Number(lag[1]) * 1000 : undefined });
  };

  const start = Date.now();
  const end = start + DURATION_S * 1000;
  const elapsed = () => Date.now() - start;
  rss.push({ at: 0, mb: rssMb(server.pid) });
  await readMetrics(0);
  const loadAtStart = loadAverage();
  const sampler = (async () => {
    while (Date.now() < end) {
      await sleep(10_000);
      rss.push({ at: elapsed(), mb: rssMb(server.pid) });
    }
  })();
  const poller = (async () => {
    while (Date.now() < end) {
      const t0 = performance.now();
      const { status } = await request(base, 'GET', '/healthz', {}).catch(() => ({ status: 0 }));
      healthz.push({ at: elapsed(), ms: performance.now() - t0, ok: status === 200 });
      await sleep(100);
    }
  })();
  const worker = async () => {
    while (Date.now() < end) {
      const operation = choose();
      const t0 = performance.now();
      const outcome = await operation.run().catch((error: Error) => ({ ok: false, detail: `${operation.name}: ${error.message}` }) as Outcome);
      const stat = stats.get(operation.name)!;
      stat.latencies.push(performance.now() - t0);
      if (outcome.shed) stat.shed++;
      if (!outcome.ok) {
        stat.errors++;
        if (failures.length < 10) failures.push(outcome.detail ?? operation.name);
      }
    }
  };
  await Promise.all([...Array.from({ length: CONCURRENCY }, worker), sampler, poller]);
  const seconds = elapsed() / 1000;
  rss.push({ at: elapsed(), mb: rssMb(server.pid) });
  await readMetrics(elapsed());
  const loadAtEnd = loadAverage();
  const exitCode = await server.stop();
  agent.destroy();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });

  // Report.
  const fmt = (x: number, digits = 1) => (Number.isNaN(x) ? '-' : x.toFixed(digits));
  const all = [...stats.values()].flatMap((st) => st.latencies).sort((x, y) => x - y);
  const errors = [...stats.values()].reduce((sum, st) => sum + st.errors, 0);
  const shed = [...stats.values()].reduce((sum, st) => sum + st.shed, 0);
  const healthzErrors = healthz.filter((h) => !h.ok).length;
  console.log(`\n${all.length} requests in ${fmt(seconds)} s: ${fmt(all.length / seconds)} req/s, p50 ${fmt(percentile(all, 0.5))} ms, p99 ${fmt(percentile(all, 0.99))} ms, ${errors} unexpected answers, ${shed} shed (503 OVERLOADED).`);
  const header = ['operation', 'count', 'req/s', 'p50 ms', 'p99 ms', 'shed', 'errors'];
  const table = operations.map((o) => {
    const st = stats.get(o.name)!;
    const sorted = [...st.latencies].sort((x, y) => x - y);
    return [o.name, String(sorted.length), fmt(sorted.length / seconds), fmt(percentile(sorted, 0.5)), fmt(percentile(sorted, 0.99)), String(st.shed), String(st.errors)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const t of table) console.log(line(t));

  const window = (from: number, to: number) => healthz.filter((h) => h.at >= from && h.at < to).map((h) => h.ms).sort((x, y) => x - y);
  const first = window(0, WINDOW_MS);
  const last = window(seconds * 1000 - WINDOW_MS, Infinity);
  const lag = (m: { lagP99?: number } | undefined) => (m?.lagP99 === undefined ? 'no /metrics' : `${fmt(m.lagP99)} ms`);
  console.log(`\nServer process (pid ${server.pid}):`);
  console.log(`  RSS: ${fmt(rss[0]!.mb)} MB at the start, ${fmt(rss.at(-1)!.mb)} MB at the end, ${fmt(Math.max(...rss.map((r) => r.mb)))} MB at most (every 10 s: ${rss.map((r) => fmt(r.mb, 0)).join(' ')})`);
  console.log(`  /healthz latency (event-loop delay proxy), first ${WINDOW_MS / 1000} s: p50 ${fmt(percentile(first, 0.5))} ms, p99 ${fmt(percentile(first, 0.99))} ms; ` +
    `last ${WINDOW_MS / 1000} s: p50 ${fmt(percentile(last, 0.5))} ms, p99 ${fmt(percentile(last, 0.99))} ms; ${healthzErrors} failed`);
  console.log(`  event-loop lag p99 from /metrics: ${lag(metrics[0])} at the start, ${lag(metrics.at(-1))} at the end`);
  console.log(`  stopped with exit code ${exitCode}; load average ${loadAtStart} at the start, ${loadAtEnd} at the end`);
  if (failures.length) console.log(`\nFirst unexpected answers:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  if (errors > 0 || healthzErrors > 0) {
    console.log(`\nFAIL: ${errors} unexpected answers, ${healthzErrors} failed /healthz`);
    process.exit(1);
  }
  console.log('\nOK: every answer was the one expected.');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
