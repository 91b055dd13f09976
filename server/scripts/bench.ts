// `pnpm bench`: the verification hot path against its ceilings, on this machine, in one run.
//
// Servers run in child processes (this file, started again with `serve`), autocannon in this one,
// so the load generator and the server do not share an event loop. Scenarios:
//   a0  bare node:http JSON handler (parse body, answer JSON): the ceiling
//   a   Yoga `{ __typename }`: the GraphQL baseline (a+: the same with the caller's API key)
//   b   POST /v1/verify, warm cache
//   c   GraphQL `verify`, warm cache (c-: the same with a malformed key, a verdict that costs nothing)
//   d   POST /v1/verify with the credential cache off (argon2 on every request)
//   e   POST /v1/verify with malformed / bad-checksum keys (must cost no DB lookup and no hash)
//   g   /v1/forward-auth, warm cache: NGINX's auth_request headers, the proxy's key in
//       X-Keywarden-Caller, the client's in Authorization, a route map of three routes
//   f   (b) while a second load floods wrong secrets for the same public id at >= 10x argon2 capacity
//       (b2 is (b) measured again just before, to compare with the machine as it is then)
//   w   the most expensive GraphQL requests the operation limits allow (built from the configured
//       limits: as many aliases and items as the cost allows, each list full), with /healthz
//       polled meanwhile; `pnpm bench --only worst` runs only these rows
// Besides req/s and latency, each row shows the server process's CPU time per request, which
// other load on the machine disturbs far less than throughput. Scenarios other than d run in
// rounds, one after the other, and each row is its median round.
//
// Environment: BENCH_DURATION (seconds per scenario, default 4), BENCH_ROUNDS (default 3),
// BENCH_WARMUP (default 1), BENCH_CONNECTIONS (default 10), BENCH_COLD_CONNECTIONS (d, default 1),
// DATABASE_URL (default: a temporary PGlite folder), BENCH_PROFILE=<dir> (CPU profiles of the
// first round's a0, a, a+, b, c, e, and of d), BENCH_NODE_ARGS.
import type { GraphQLObjectType } from 'graphql';
import { startBenchChild, type BenchChild, type ChildMessage } from './benchChild.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const SERVER_DIR = path.resolve(path.dirname(SELF), '..');

// ---------------------------------------------------------------------------------------------
// Child: one server (bare or Keywarden), controlled over IPC.


/** CPU the server process has used so far, in microseconds (user + system). */
function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** BENCH_PROFILE=<dir>: each measured run of a server is CPU-profiled into <dir>/<scenario>.cpuprofile. */
async function profiler(): Promise<(m: unknown) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  return async (m) => {
    if (m === 'profile:start') await session.post('Profiler.start');
    if (typeof m === 'string' && m.startsWith('profile:stop:')) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(path.join(process.env.BENCH_PROFILE!, `${m.slice('profile:stop:'.length)}.cpuprofile`), JSON.stringify(profile));
      process.send!({ stats: {} });
    }
  };
}

async function serve(): Promise<void> {
  const send = (message: ChildMessage) => process.send!(message);
  if (process.env.BENCH_PROFILE) {
    const handle = await profiler();
    process.on('message', (m) => void handle(m));
  }
  if (process.env.BENCH_MODE === 'bare') {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { key?: string };
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ valid: true, code: 'VALID', keyLength: body.key?.length ?? 0 }));
      });
    });
    server.listen(0, '127.0.0.1', () => send({ port: (server.address() as { port: number }).port }));
    process.on('message', (m) => {
      if (m === 'stats') send({ stats: { cpuMicros: cpuMicros() } });
      if (m === 'stop') server.close(() => process.exit(0));
    });
    return;
  }
  const { loadConfig } = await import('../src/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { openDatabase } = await import('../src/db/database.ts');
  const { createApp } = await import('../src/app.ts');
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const db = await openDatabase(config.database);
  const app = createApp({ config, db, logger: createLogger('warn') });
  await app.verification.ready();
  const { createRequestListener } = await import('../src/http/router.ts');
  const server = http.createServer(createRequestListener(app));
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => send({ port: (server.address() as { port: number }).port }));
  process.on('message', (m) => {
    if (m === 'stats') send({ stats: { ...app.verification.stats, cpuMicros: cpuMicros() } });
    if (m === 'stop') {
      server.close(async () => {
        await app.close();
        await db.close();
        process.exit(0);
      });
      server.closeAllConnections();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Parent: seed, start servers, run autocannon, print the table.

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  overallRate?: number;
  requests?: { method?: string; path?: string; headers?: Record<string, string>; body?: string; setupRequest?: (req: { body?: string }) => { body?: string } }[];
}
const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as (options: AutocannonOptions) => Promise<AutocannonResult>;

const DURATION = Number(process.env.BENCH_DURATION ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** `--only worst`: only the rows of the most expensive allowed requests. */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (ONLY !== undefined && ONLY !== 'worst') throw new Error(`--only: "worst" is the one row that runs alone, not "${ONLY}"`);
/** The server CPU the most expensive allowed request may cost (issue 13's target). */
const WORST_TARGET_MS = 50;

interface Seed {
  callerKey: string;
  callerSession: string;
  targetKey: string;
  targetPublicId: string;
  /** More keys for (d), so that concurrent requests present different keys (no shared argon2). */
  coldKeys: string[];
  prefix: string;
  tenantId: string;
  memberId: string;
}

async function seed(database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string }): Promise<Seed> {
  const { withSeededTenant } = await import('./seedTenant.ts');
  return withSeededTenant(database, 'Bench', async ({ prisma, tenant, member, session, key }) => {
    const caller = await key(['keys:verify']);
    const target = await key(['tickets:read']);
    const coldKeys: string[] = [];
    for (let i = 0; i < 8; i++) coldKeys.push((await key(['tickets:read'])).text);
    await prisma.routeMap.create({
      data: {
        tenantId: tenant.id,
        defaultAction: 'DENY',
        routes: [
          { pattern: 'POST /v1/tickets', scopes: ['tickets:write'] },
          { pattern: 'GET /v1/tickets/**', scopes: ['tickets:read'] },
          { pattern: '/public/**', scopes: [] },
        ],
      },
    });
    return { callerKey: caller.text, callerSession: session, targetKey: target.text, targetPublicId: target.publicId, coldKeys, prefix: tenant.keyPrefix, tenantId: tenant.id, memberId: member.id };
  });
}

type Child = BenchChild & { stats(): Promise<Record<string, number>> };

async function startChild(env: Record<string, string>): Promise<Child> {
  const child = await startBenchChild(SELF, env);
  return { ...child, stats: () => child.command('stats') };
}

interface Row {
  id: string;
  name: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Server CPU per answered request, microseconds (robust to other load on the machine). */
  cpuPerRequest: number;
  note?: string;
}

interface Measured {
  result: AutocannonResult;
  /** Server counters (verification stats, cpuMicros) during the measured run only. */
  delta: Record<string, number>;
}

/** Warm-up (not recorded), then the measured run, with the server's counters around it. */
async function measure(child: Child, options: AutocannonOptions, warmup = true, name?: string): Promise<Measured> {
  if (warmup && WARMUP > 0) await autocannon({ ...options, duration: WARMUP });
  if (process.env.BENCH_PROFILE && name) child.process.send('profile:start');
  const before = await child.stats();
  const result = await autocannon({ ...options, duration: DURATION });
  const after = await child.stats();
  if (process.env.BENCH_PROFILE && name) await child.command(`profile:stop:${name}`);
  return { result, delta: Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)])) };
}

function row(id: string, name: string, connections: number, m: Measured, note?: string, requests = m.result.requests.total): Row {
  const r = m.result;
  return { id, name, connections, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, cpuPerRequest: m.delta.cpuMicros! / Math.max(1, requests), note };
}

const json = { 'content-type': 'application/json' };
const verifyBody = (key: string) => JSON.stringify({ key, scopes: ['tickets:read'], ip: '198.51.100.7', endpoint: 'GET /v1/tickets/1' });
const GRAPHQL_VERIFY = 'query ($input: VerifyInput!) { verify(input: $input) { valid code keyId scopes } }';

async function main(): Promise<void> {
  const { formatKey } = await import('@keywarden/sdk/key-format');
  const { generateSecret } = await import('../src/domain/keyFormat.ts');
  const dataDir = process.env.DATABASE_URL ? null : mkdtempSync(path.join(tmpdir(), 'keywarden-bench-'));
  const database = process.env.DATABASE_URL ? { kind: 'postgres' as const, url: process.env.DATABASE_URL } : { kind: 'pglite' as const, dataDir: dataDir! };
  const dbEnv: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { KEYWARDEN_DATA_DIR: dataDir! };
  const serverEnv = { ...dbEnv, KEYWARDEN_MIGRATE_ON_START: 'false', KEYWARDEN_BOOTSTRAP_ON_START: 'false' };

  console.log(`Keywarden verification benchmark: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, ${database.kind}, ` +
    `${ROUNDS} rounds of ${DURATION}s per scenario after ${WARMUP}s warm-up (median shown), ${CONNECTIONS} connections, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}.`);
  const s = await seed(database);
  const { groupId: worstGroup } = await seedWorst(database, s);
  if (ONLY === 'worst') {
    const server = await startChild(serverEnv);
    try {
      printWorst(await worstRequests(server, s, worstGroup));
    } finally {
      await server.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
    return;
  }
  const rows: Row[] = [];
  const url = (child: Child, path_: string) => `${child.url}${path_}`;

  // d: argon2 on every request (credential cache off). The caller uses a session, so the only
  // argon2 is the presented key's. One connection by default (BENCH_COLD_CONNECTIONS): p50 is then
  // the cost of a cold verify, not of waiting behind other hashes on a CPU shared with autocannon.
  const hashSlots = Number(process.env.BENCH_COLD_CONNECTIONS ?? 1);
  const cold = await startChild({ ...serverEnv, KEYWARDEN_VERIFY_CACHE_SIZE: '0' });
  let coldNext = 0;
  const d = await measure(cold, {
    url: url(cold, '/v1/verify'), connections: hashSlots, duration: DURATION,
    requests: [{ method: 'POST', headers: { ...json, authorization: `Bearer ${s.callerSession}` }, setupRequest: (req) => ({ ...req, body: verifyBody(s.coldKeys[coldNext++ % s.coldKeys.length]!) }) }],
  }, true, 'd');
  rows.push(row('d', 'REST verify, cache off (argon2 each)', hashSlots, d, `${d.delta.argon2Verifies} argon2 verifies for ${d.result.requests.total} requests`));
  await cold.stop();
  // Capacity estimate: one argon2 per request on each of the server's argon2 slots (upper bound).
  const argon2Capacity = (d.result.requests.average / hashSlots) * availableParallelism();

  const bare = await startChild({ BENCH_MODE: 'bare' });
  const server = await startChild(serverEnv);
  const auth = { ...json, authorization: `Bearer ${s.callerKey}` };
  const hello = JSON.stringify({ query: '{ __typename }' });
  const graphqlVerifyBody = JSON.stringify({ query: GRAPHQL_VERIFY, variables: { input: { key: s.targetKey, scopes: ['tickets:read'], ip: '198.51.100.7', endpoint: 'GET /v1/tickets/1' } } });
  const graphqlMalformedBody = JSON.stringify({ query: GRAPHQL_VERIFY, variables: { input: { key: 'sk_live_notakeyatall_0123456789', scopes: ['tickets:read'], ip: '198.51.100.7', endpoint: 'GET /v1/tickets/1' } } });
  const restWarm: AutocannonOptions = { url: url(server, '/v1/verify'), connections: CONNECTIONS, duration: DURATION, method: 'POST', headers: auth, body: verifyBody(s.targetKey) };
  const good = s.targetKey;
  const badKeys = [
    good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A'), // bad checksum
    good.slice(0, -3), // truncated
    `${s.prefix}_pk_${'x'.repeat(70)}`, // malformed
    'sk_live_notakeyatall_0123456789',
  ];
  const scenarios: { id: string; name: string; child: Child; options: AutocannonOptions }[] = [
    // a0: the ceiling.
    { id: 'a0', name: 'bare node:http JSON handler', child: bare, options: { url: url(bare, '/'), connections: CONNECTIONS, duration: DURATION, method: 'POST', headers: json, body: verifyBody(s.targetKey) } },
    // a: the GraphQL baseline (anonymous, as the brief defines it), and the same with the caller's key.
    { id: 'a', name: 'Yoga { __typename }', child: server, options: { url: url(server, '/graphql'), connections: CONNECTIONS, duration: DURATION, method: 'POST', headers: json, body: hello } },
    { id: 'a+', name: 'Yoga { __typename }, with the API key', child: server, options: { url: url(server, '/graphql'), connections: CONNECTIONS, duration: DURATION, method: 'POST', headers: auth, body: hello } },
    { id: 'b', name: 'REST verify, warm cache', child: server, options: restWarm },
    { id: 'c', name: 'GraphQL verify, warm cache', child: server, options: { url: url(server, '/graphql'), connections: CONNECTIONS, duration: DURATION, method: 'POST', headers: auth, body: graphqlVerifyBody } },
    // c-: c with a malformed key, whose verdict costs under a microsecond: what GraphQL itself
    // (variables, scope check, execution, a larger body) adds to the baseline for this query.
    { id: 'c-', name: 'GraphQL verify, malformed key', child: server, options: { url: url(server, '/graphql'), connections: CONNECTIONS, duration: DURATION, method: 'POST', headers: auth, body: graphqlMalformedBody } },
    // g: forward-auth as NGINX asks it (no body; the verdict in the status and headers).
    { id: 'g', name: 'forward-auth, warm cache', child: server, options: {
      url: url(server, '/v1/forward-auth'), connections: CONNECTIONS, duration: DURATION, method: 'GET',
      headers: { 'x-keywarden-caller': `Bearer ${s.callerKey}`, 'x-original-method': 'GET', 'x-original-uri': '/v1/tickets/1?page=2', authorization: `Bearer ${s.targetKey}` },
    } },
    // e: malformed and bad-checksum keys: no DB lookup, no hash.
    { id: 'e', name: 'REST verify, malformed / bad checksum', child: server, options: { url: url(server, '/v1/verify'), connections: CONNECTIONS, duration: DURATION, requests: badKeys.map((k) => ({ method: 'POST', headers: auth, body: verifyBody(k) })) } },
  ];

  // A fresh process runs its first seconds unoptimized: every scenario is measured only after
  // V8 has compiled the hot paths of its server, so none (least of all a baseline) is measured cold.
  for (const scenario of scenarios) await autocannon({ ...scenario.options, duration: 2 * WARMUP + 1 });

  // f: warm verify under a flood of wrong secrets for the same public id at >= 10x argon2 capacity,
  // compared with b2, (b) measured again right before it, i.e. with the machine as it is then.
  const floodRate = Math.max(500, Math.ceil(10 * argon2Capacity));
  const floodBodies = Array.from({ length: 2_000 }, () => verifyBody(formatKey(s.prefix, s.targetPublicId, generateSecret())));
  let next = 0;
  const underFlood = async (): Promise<{ b2: Measured; f: Measured; floodRps: number; total: number }> => {
    const b2 = await measure(server, restWarm, false);
    const before = await server.stats();
    const [fResult, flood] = await Promise.all([
      autocannon({ ...restWarm, duration: DURATION }),
      autocannon({
        url: url(server, '/v1/verify'), connections: CONNECTIONS, duration: DURATION, overallRate: floodRate,
        requests: [{ method: 'POST', headers: auth, setupRequest: (req) => ({ ...req, body: floodBodies[next++ % floodBodies.length] }) }],
      }),
    ]);
    const after = await server.stats();
    const delta = Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));
    return { b2, f: { result: fResult, delta }, floodRps: flood.requests.average, total: fResult.requests.total + flood.requests.total };
  };

  // Rounds: every scenario once per round, in turn, so that a slow moment of the machine falls on
  // all of them alike; each row is the round with the median req/s (f: the median f/b2 ratio).
  const runs = new Map<string, Measured[]>(scenarios.map((sc) => [sc.id, []]));
  const floods: Awaited<ReturnType<typeof underFlood>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of scenarios) runs.get(scenario.id)!.push(await measure(scenario.child, scenario.options, true, round === 0 ? scenario.id : undefined));
    floods.push(await underFlood());
  }
  const median = <T>(items: T[], by: (item: T) => number): T => [...items].sort((x, y) => by(x) - by(y))[Math.floor(items.length / 2)]!;
  const total = (id: string, counter: string) => runs.get(id)!.reduce((sum, m) => sum + (m.delta[counter] ?? 0), 0);
  const notes: Record<string, string> = {
    'a+': `the caller's proof reused by its connection for ${total('a+', 'connectionReuses')} of ${total('a+', 'verifications') + total('a+', 'connectionReuses')} authentications`,
    b: `${total('b', 'argon2Verifies')} argon2, ${total('b', 'dbLookups')} DB lookups in all rounds; caller proofs reused ${total('b', 'connectionReuses')} times`,
    g: `${total('g', 'argon2Verifies')} argon2, ${total('g', 'dbLookups')} DB lookups in all rounds; caller proofs reused ${total('g', 'connectionReuses')} times`,
    e: `${total('e', 'dbLookups')} DB lookups, ${total('e', 'argon2Verifies')} argon2, ${total('e', 'rejectedByFormat')} rejected by format in all rounds`,
  };
  for (const scenario of scenarios) {
    rows.push(row(scenario.id, scenario.name, CONNECTIONS, median(runs.get(scenario.id)!, (m) => m.result.requests.average), notes[scenario.id]));
  }
  const pair = median(floods, (p) => p.f.result.requests.average / p.b2.result.requests.average);
  rows.push(row('b2', 'REST verify, warm cache (again, before f)', CONNECTIONS, pair.b2));
  rows.push(row('f', 'REST verify, warm, under flood', CONNECTIONS, pair.f,
    `flood ${Math.round(pair.floodRps)} req/s = ${(pair.floodRps / argon2Capacity).toFixed(1)}x argon2 capacity (~${Math.round(argon2Capacity)}/s: d's rate x ${availableParallelism()} slots); ` +
    `${pair.f.delta.argon2Verifies} argon2 and ${pair.f.delta.throttled} throttled during f; CPU/req over both loads`,
    pair.total));
  const worst = await worstRequests(server, s, worstGroup);
  await Promise.all([bare.stop(), server.stop()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });

  print(rows, { eLookups: total('e', 'dbLookups'), eHashes: total('e', 'argon2Verifies'), floodRps: pair.floodRps, argon2Capacity });
  printWorst(worst);
}

function print(rows: Row[], ref: { eLookups: number; eHashes: number; floodRps: number; argon2Capacity: number }): void {
  const get = (id: string) => rows.find((r) => r.id === id)!;
  const order = ['a0', 'a', 'a+', 'b', 'g', 'c', 'c-', 'd', 'e', 'b2', 'f'];
  rows.sort((x, y) => order.indexOf(x.id) - order.indexOf(y.id));
  const a0 = get('a0');
  const a = get('a');
  const fmt = (n: number, digits = 0) => n.toFixed(digits);
  const header = ['', 'scenario', 'conn', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', '×a0', '×a', 'CPU µs/req'];
  const table = rows.map((r) => [r.id, r.name, String(r.connections), fmt(r.rps), fmt(r.p50, 1), fmt(r.p99, 1), String(r.non2xx), fmt(r.rps / a0.rps, 2), fmt(r.rps / a.rps, 2), fmt(r.cpuPerRequest)]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const t of table) console.log(line(t));
  for (const r of rows) if (r.note) console.log(`  (${r.id}) ${r.note}`);

  const checks: [string, boolean, string][] = [
    ['(b) >= 0.5 x (a0)', get('b').rps >= 0.5 * a0.rps, `${fmt(get('b').rps / a0.rps, 2)}`],
    ['(g) >= 0.5 x (a0)', get('g').rps >= 0.5 * a0.rps, `${fmt(get('g').rps / a0.rps, 2)} (${fmt(get('g').rps / get('b').rps, 2)} of b)`],
    ['(c) >= 0.9 x (a)', get('c').rps >= 0.9 * a.rps, `${fmt(get('c').rps / a.rps, 2)} (${fmt(get('c').rps / get('a+').rps, 2)} of a+; c- ${fmt(get('c-').rps / a.rps, 2)} of a)`],
    ['(e) >= 0.5 x (a0), no DB, no hash', get('e').rps >= 0.5 * a0.rps && ref.eLookups === 0 && ref.eHashes === 0, `${fmt(get('e').rps / a0.rps, 2)}, ${ref.eLookups} lookups, ${ref.eHashes} hashes`],
    ['(f) >= 0.8 x (b2), flood >= 10x argon2', get('f').rps >= 0.8 * get('b2').rps && ref.floodRps >= 10 * ref.argon2Capacity, `${fmt(get('f').rps / get('b2').rps, 2)} (${fmt(get('f').rps / get('b').rps, 2)} of b), flood ${fmt(ref.floodRps / ref.argon2Capacity, 1)}x`],
    ['(d) p50 <= 30 ms (OWASP argon2id)', get('d').p50 <= 30, `${fmt(get('d').p50, 1)} ms`],
  ];
  console.log('\nTargets:');
  for (const [name, ok, value] of checks) console.log(`  ${ok ? 'met ' : 'MISS'}  ${name.padEnd(38)} ${value}`);
  console.log('\nOne machine: autocannon and the server share its CPUs, and anything else running skews req/s;');
  console.log('server CPU µs/req is the steadier figure for comparing scenarios.');
}

// ---------------------------------------------------------------------------------------------
// w: the most expensive GraphQL requests the operation limits allow.

/** The most a page holds, and what the worst requests fill every list up to. */
const FULL_PAGE = 100;
const WORST_CONNECTIONS = Number(process.env.BENCH_WORST_CONNECTIONS ?? 2);

interface WorstRow {
  id: string;
  name: string;
  aliases: number;
  first: number;
  cost: number;
  /** Objects in one answer. */
  objects: number;
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  healthz: { p50: number; p99: number };
  refused?: string;
}

/** Rows enough that every list the worst requests ask for is full: keys with IP rules and access tokens, members, audit events. */
async function seedWorst(database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string }, s: Seed): Promise<{ groupId: string }> {
  const { openDatabase } = await import('../src/db/database.ts');
  const { newId } = await import('../src/domain/ids.ts');
  const { generatePublicId } = await import('../src/domain/keyFormat.ts');
  const { sha256Hex, generateOpaqueToken } = await import('../src/domain/secrets.ts');
  const { recordAudit, systemActor } = await import('../src/services/audit.ts');
  const { DEFAULT_PAGE_SIZE } = await import('../src/builder.ts');
  const db = await openDatabase(database);
  try {
    const prisma = db.prisma;
    const tenantId = s.tenantId;
    const member = await prisma.member.findUniqueOrThrow({ where: { id: s.memberId } });
    const sample = await prisma.apiKey.findFirstOrThrow({ where: { tenantId } });
    const group = await prisma.group.create({ data: { id: newId('grp'), tenantId, name: 'worst', defaultScopes: ['tickets:read'], scopeLimit: [] } });
    const keys = Array.from({ length: FULL_PAGE }, (_, i) => ({
      id: newId('key'), tenantId, publicId: generatePublicId(), name: `worst ${i}`, ownerId: member.id, groupId: group.id, scopes: ['tickets:read'],
      secretHash: sample.secretHash, keyPrefix: sample.keyPrefix, keyTail: 'AbCd', metadata: { team: 'bench', index: i },
    }));
    await prisma.apiKey.createMany({ data: keys });
    // Only these keys: the bench's own keys take no IP rule. The worst requests list this group.
    const all = keys;
    await prisma.ipRule.createMany({ data: all.flatMap((k) => [0, 1].map((j) => ({ id: newId('ipr'), tenantId, apiKeyId: k.id, action: 'ALLOW' as const, cidr: `10.${j}.0.0/16` }))) });
    await prisma.accessToken.createMany({
      data: all.flatMap((k) => Array.from({ length: DEFAULT_PAGE_SIZE }, () => ({
        id: newId('tok'), tenantId, apiKeyId: k.id, tokenHash: sha256Hex(generateOpaqueToken('kwt')), scopes: ['tickets:read'], expiresAt: new Date(Date.now() + 86_400_000),
      }))),
    });
    await prisma.member.createMany({ data: Array.from({ length: FULL_PAGE }, (_, i) => ({ id: newId('mem'), tenantId, roleId: member.roleId, email: `worst${i}@example.test`, name: `Worst ${i}` })) });
    for (let i = 0; i < FULL_PAGE; i++) {
      await prisma.$transaction((tx) => recordAudit(tx, systemActor('bench'), { tenantId, action: 'key.updated', targetType: 'ApiKey', targetId: keys[i]!.id, changes: { name: { before: 'a', after: `worst ${i}` } } }));
    }
    return { groupId: group.id };
  } finally {
    await db.close();
  }
}

/** A GET /healthz at a time, 10 ms apart, until stopped: the latency a cheap request sees meanwhile. */
function pollHealthz(base: string): { stop(): Promise<{ p50: number; p99: number }> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  let running = true;
  const get = () =>
    new Promise<void>((resolve, reject) => {
      http.get(`${base}/healthz`, { agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`/healthz answered ${res.statusCode}`))));
      }).on('error', reject);
    });
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      await get();
      latencies.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      const sorted = latencies.sort((x, y) => x - y);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
      return { p50: at(0.5), p99: at(0.99) };
    },
  };
}

/** Objects in a JSON answer. */
function objectsIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + objectsIn(v), 0);
  if (value && typeof value === 'object') return 1 + Object.values(value).reduce((n: number, v) => n + objectsIn(v), 0);
  return 0;
}

async function worstRequests(server: Child, s: Seed, group: string): Promise<{ rows: WorstRow[]; idle: { p50: number; p99: number }; limits: Record<string, number> }> {
  const { parse, getNamedType, isLeafType, isNonNullType } = await import('graphql');
  const { loadConfig } = await import('../src/config.ts');
  const { schema } = await import('../src/schema/index.ts');
  const { operationCost } = await import('../src/http/operationLimits.ts');
  const limits = loadConfig({ ...process.env }).graphqlLimits;

  /** Every scalar and enum field of a type that needs no argument. */
  const leaves = (typeName: string) =>
    Object.values((schema.getType(typeName) as GraphQLObjectType).getFields())
      .filter((f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)))
      .map((f) => f.name).join(' ');
  const aliased = (aliases: number, field: (i: number) => string) => `{ ${Array.from({ length: aliases }, (_, i) => `${aliases > 1 ? `w${i}: ` : ''}${field(i)}`).join(' ')} }`;
  const candidates: { id: string; name: string; make: (aliases: number, first: number) => string }[] = [
    { id: 'w-keys', name: 'keys, every field, owner, group, IP rules', make: (a, n) => aliased(a, () => `apiKeys(first: ${n}, filter: { groupId: "${group}" }) { edges { node { ${leaves('ApiKey')} owner { ${leaves('Member')} } group { ${leaves('Group')} } ipRules { ${leaves('IpRule')} } } } }`) },
    { id: 'w-ids', name: 'keys, id only', make: (a, n) => aliased(a, () => `apiKeys(first: ${n}, filter: { groupId: "${group}" }) { edges { node { id } } }`) },
    { id: 'w-tokens', name: 'keys, each with its access tokens (default page)', make: (a, n) => aliased(a, () => `apiKeys(first: ${n}, filter: { groupId: "${group}" }) { edges { node { id accessTokens { edges { node { ${leaves('AccessToken')} } } } } } }`) },
    { id: 'w-audit', name: 'audit events, every field', make: (a, n) => aliased(a, () => `auditEvents(first: ${n}) { edges { node { ${leaves('AuditEvent')} } } }`) },
    { id: 'w-members', name: "members' key counts", make: (a, n) => aliased(a, () => `members(first: ${n}) { edges { node { id apiKeyCount } } }`) },
  ];
  /** The aliases and page size with the most items within every limit but depth (our documents are shallow). */
  const fit = (make: (aliases: number, first: number) => string) => {
    let best: { aliases: number; first: number; cost: number } | undefined;
    const allowed = (document: string) => {
      try {
        const cost = operationCost(schema, parse(document, { maxTokens: limits.maxTokens }));
        return cost <= limits.maxCost ? cost : undefined;
      } catch {
        return undefined;
      }
    };
    for (let aliases = 1; aliases <= Math.max(1, limits.maxAliases); aliases++) {
      let lo = 0;
      let hi = FULL_PAGE;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (allowed(make(aliases, mid)) !== undefined) lo = mid;
        else hi = mid - 1;
      }
      if (lo > 0 && (!best || aliases * lo > best.aliases * best.first)) best = { aliases, first: lo, cost: allowed(make(aliases, lo))! };
    }
    return best;
  };

  const headers = { ...json, authorization: `Bearer ${s.callerSession}` };
  const idlePoll = pollHealthz(server.url);
  await new Promise((resolve) => setTimeout(resolve, DURATION * 500));
  const idle = await idlePoll.stop();
  const rows: WorstRow[] = [];
  for (const candidate of candidates) {
    const shape = fit(candidate.make);
    if (!shape) continue;
    const body = JSON.stringify({ query: candidate.make(shape.aliases, shape.first) });
    const once = (await (await fetch(`${server.url}/graphql`, { method: 'POST', headers, body })).json()) as { data?: unknown; errors?: { message: string }[] };
    const base = { id: candidate.id, name: candidate.name, aliases: shape.aliases, first: shape.first, cost: shape.cost, objects: objectsIn(once.data) };
    if (once.errors?.length) {
      rows.push({ ...base, rps: 0, p50: NaN, p99: NaN, cpuMsPerRequest: NaN, healthz: { p50: NaN, p99: NaN }, refused: once.errors[0]!.message });
      continue;
    }
    const options: AutocannonOptions = { url: `${server.url}/graphql`, connections: WORST_CONNECTIONS, duration: DURATION, method: 'POST', headers, body };
    if (WARMUP > 0) await autocannon({ ...options, duration: WARMUP });
    const poll = pollHealthz(server.url);
    const m = await measure(server, options, false);
    const healthz = await poll.stop();
    const r = m.result;
    rows.push({ ...base, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuMsPerRequest: m.delta.cpuMicros! / Math.max(1, r.requests.total) / 1000, healthz, refused: r.non2xx + r.errors > 0 ? `${r.non2xx} non-2xx, ${r.errors} errors` : undefined });
  }
  return { rows, idle, limits: { ...limits } };
}

function printWorst({ rows, idle, limits }: Awaited<ReturnType<typeof worstRequests>>): void {
  const fmt = (n: number, digits = 0) => (Number.isNaN(n) ? '-' : n.toFixed(digits));
  console.log(`\nThe most expensive requests the limits allow (${Object.entries(limits).map(([k, v]) => `${k} ${v}`).join(', ')}), ` +
    `${WORST_CONNECTIONS} connections, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; /healthz polled meanwhile (idle: p50 ${fmt(idle.p50, 1)} ms, p99 ${fmt(idle.p99, 1)} ms):`);
  const header = ['', 'request', 'aliases × first', 'cost', 'objects', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'healthz p50', 'healthz p99'];
  const table = rows.map((r) => [r.id, r.name, `${r.aliases} × ${r.first}`, fmt(r.cost), String(r.objects), fmt(r.rps, 1), fmt(r.p50), fmt(r.p99), fmt(r.cpuMsPerRequest, 1), fmt(r.healthz.p50, 1), fmt(r.healthz.p99, 1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const t of table) console.log(line(t));
  for (const r of rows) if (r.refused) console.log(`  (${r.id}) ${r.refused}`);
  const worst = rows.filter((r) => !Number.isNaN(r.cpuMsPerRequest)).sort((x, y) => y.cpuMsPerRequest - x.cpuMsPerRequest)[0];
  if (worst) {
    const ok = worst.cpuMsPerRequest <= WORST_TARGET_MS && rows.every((r) => !r.refused);
    console.log(`\n  ${ok ? 'met ' : 'MISS'}  ${`worst allowed request <= ${WORST_TARGET_MS} ms CPU`.padEnd(38)} ${fmt(worst.cpuMsPerRequest, 1)} ms (${worst.id}); /healthz p99 ${fmt(worst.healthz.p99, 1)} ms meanwhile, ${fmt(idle.p99, 1)} ms idle`);
  }
}

if (process.argv[2] === 'serve') {
  serve().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
