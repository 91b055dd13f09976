// `pnpm bench:scale`: Keywarden with N keys in one tenant, as many in a second, and a million audit
// events, against its scale targets, in one run.
//
// Seeds straight into the database (large INSERT … SELECT FROM json_to_recordset batches; one argon2
// hash of one secret shared by every key, so every seeded key verifies), then starts the server in a
// child process (bench.ts's way) and times GraphQL requests one at a time, in rounds (each scenario
// once per round, so a slow moment of the machine falls on all alike), every figure against
// `{ viewer { kind } }` measured in the same rounds.
//
//   --keys N           keys per big tenant (default 100,000 on PostgreSQL, 10,000 on PGlite)
//   --audit N          audit events of the first tenant (default 1,000,000; 100,000 on PGlite)
//   --rounds N         samples per scenario (default 1,000)
//   --soak-seconds N   the mixed soak (default 60; after a warm-up of a sixth of it, at most 10 s;
//                      the server's memory is read, settled, every 10 s of it)
//   DATABASE_URL       PostgreSQL (default: a temporary PGlite folder)
//   BENCH_NODE_ARGS    extra node flags for the server (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof)
import { startBenchChild, type BenchChild, type ChildMessage } from './benchChild.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { DatabaseConfig } from '../src/db/database.ts';

const SELF = fileURLToPath(import.meta.url);
const SERVER_DIR = path.resolve(path.dirname(SELF), '..');

function arg(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} takes a whole number`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Child: the server, controlled over IPC (stats, a retention run, stop).


async function serve(): Promise<void> {
  const send = (message: ChildMessage) => process.send!(message);
  const { loadConfig } = await import('../src/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { openDatabase } = await import('../src/db/database.ts');
  const { createApp } = await import('../src/app.ts');
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const db = await openDatabase(config.database);
  // No retention timer: the bench runs the purge itself, while it measures verify.
  const app = createApp({ config, db, logger: createLogger('warn'), audit: { retentionIntervalMs: null } });
  // SQL statements sent, counted where the driver sends them (the pg client or the PGlite instance).
  let statements = 0;
  const pgQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return (pgQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pgQuery;
  if (db.pglite) {
    const pgliteQuery = db.pglite.query.bind(db.pglite);
    db.pglite.query = ((...args: Parameters<typeof pgliteQuery>) => {
      statements++;
      return pgliteQuery(...args);
    }) as typeof db.pglite.query;
  }
  const { authenticate } = await import('../src/services/authentication.ts');
  await app.verification.ready();
  const { createRequestListener } = await import('../src/http/router.ts');
  const server = http.createServer(createRequestListener(app));
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => send({ port: (server.address() as { port: number }).port }));
  const stats = () => {
    const memory = process.memoryUsage();
    return { ...app.verification.stats, rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external };
  };
  // Memory once the heap has settled. V8 gives freed pages back to the system on background
  // threads after a collection, so RSS read right after one swung by tens of MB from reading to
  // reading (314-336 MB over a 300 s soak, V8's heap total 87-140 MB, its live heap a flat 46 MB).
  // Two full collections half a second apart, then half a second more: 240-244 MB, heap total 82-86.
  const settled = async () => {
    const gc = (globalThis as { gc?: () => void }).gc!;
    gc();
    await sleep(500);
    gc();
    await sleep(500);
    return stats();
  };
  process.on('message', (m) => {
    if (m === 'stats') send({ stats: stats() });
    if (m === 'gc') void settled().then((memory) => send({ stats: memory }));
    if (typeof m === 'string' && m.startsWith('auth:')) {
      // A session seen for the first time (no cache): the statements its authentication costs.
      const before = statements;
      void authenticate(app, { kind: 'token', text: m.slice('auth:'.length), source: 'bearer' }, { id: 'bench', ip: '127.0.0.1', userAgent: null })
        .then((caller) => send({ stats: { statements: statements - before, member: caller.kind === 'member' ? 1 : 0 } }));
    }
    if (m === 'retention') {
      const start = performance.now();
      void app.auditRetention.run().then((results) => send({ stats: { removed: results.reduce((n, r) => n + r.removed, 0), ms: performance.now() - start } }));
    }
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

type Child = BenchChild;

function startChild(env: Record<string, string>): Promise<Child> {
  return startBenchChild(SELF, env, ['--expose-gc']);
}

// ---------------------------------------------------------------------------------------------
// Seeding

interface Seeded {
  tenantId: string;
  prefix: string;
  session: string;
  groupId: string;
  ownerId: string;
  /** Public ids of some of its keys (all share one secret). */
  publicIds: string[];
  /** The key nine tenths of the way through its list (in id order, the order the list pages in). */
  deepKeyId: string;
  secret: string;
  /** A second session of the owner, never presented before the bench authenticates it once. */
  freshSession: string;
}

const WORDS = Array.from({ length: 1000 }, (_, i) => `w${(i * 7919).toString(36)}x`);
/** In every seeded key's name. */
const COMMON_TERM = 'service';
/** In about one key in a thousand. */
const RARE_TERM = WORDS[17]!;
const ABSENT_TERM = 'nowherezz';
const SCOPES = ['tickets:read', 'tickets:write', 'reports:read', 'billing:read', 'admin:all'];
const MEMBERS = 40;
const GROUPS = 40;
const BATCH = 5_000;
/** The tenant measured; seeded first, into an empty database. */
const FIRST_TENANT = 'Scale';

async function seedTenant(database: DatabaseConfig, name: string, keys: number, auditEvents: number, secret: string, secretHash: string): Promise<Seeded> {
  const { withSeededTenant } = await import('./seedTenant.ts');
  const { formatKey } = await import('@keywarden/sdk/key-format');
  const { newId } = await import('../src/domain/ids.ts');
  const { generatePublicId } = await import('../src/domain/keyFormat.ts');
  const { generateOpaqueToken, sha256Hex } = await import('../src/domain/secrets.ts');
  return withSeededTenant(database, name, async ({ prisma, tenant, member, session }) => {
    const tenantId = tenant.id;
    // Another run's keys would change what is measured (a tenant whose keys come after others' plans
    // differently): the bench wants a database of its own.
    const present = name === FIRST_TENANT ? await prisma.apiKey.count() : 0;
    if (present > 0) throw new Error(`bench:scale seeds an empty database, and this one already holds ${present} keys: give it a new database (DATABASE_URL)`);
    const insert = async (table: string, columns: Record<string, string>, rows: Record<string, unknown>[]) => {
      const names = Object.keys(columns);
      const list = names.map((c) => `"${c}"`).join(', ');
      const types = names.map((c) => `"${c}" ${columns[c]}`).join(', ');
      for (let i = 0; i < rows.length; i += BATCH) {
        await prisma.$executeRawUnsafe(`INSERT INTO "${table}" (${list}) SELECT ${list} FROM json_to_recordset($1::json) AS r(${types})`, JSON.stringify(rows.slice(i, i + BATCH)));
      }
    };
    const role = await prisma.role.findFirstOrThrow({ where: { tenantId, builtIn: 'MEMBER' } }).catch(() => prisma.role.findFirstOrThrow({ where: { tenantId } }));
    const now = new Date().toISOString();
    const members = Array.from({ length: MEMBERS }, (_, i) => ({ id: newId('mem'), tenantId, email: `m${i}@${name.toLowerCase()}.example.test`, name: `Member ${i}`, status: 'ACTIVE', roleId: role.id, createdAt: now, updatedAt: now }));
    await insert('Member', { id: 'text', tenantId: 'text', email: 'text', name: 'text', status: '"MemberStatus"', roleId: 'text', createdAt: 'timestamp(3)', updatedAt: 'timestamp(3)' }, members);
    const groups = Array.from({ length: GROUPS }, (_, i) => ({ id: newId('grp'), tenantId, name: `group ${i}`, description: '', defaultScopes: ['tickets:read'], scopeLimit: [], createdAt: now, updatedAt: now }));
    await insert('Group', { id: 'text', tenantId: 'text', name: 'text', description: 'text', defaultScopes: 'text[]', scopeLimit: 'text[]', createdAt: 'timestamp(3)', updatedAt: 'timestamp(3)' }, groups.map((g) => ({ ...g, defaultScopes: `{${g.defaultScopes.join(',')}}`, scopeLimit: '{}' })));
    const owners = [member.id, ...members.map((m) => m.id)];
    const publicIds: string[] = [];
    let deepKeyId = '';
    const keyColumns = {
      id: 'text', tenantId: 'text', publicId: 'text', name: 'text', description: 'text', ownerId: 'text', groupId: 'text', scopes: 'text[]', endpoints: 'text[]',
      status: '"KeyStatus"', expiresAt: 'timestamp(3)', secretHash: 'text', keyPrefix: 'text', keyTail: 'text', createdAt: 'timestamp(3)', updatedAt: 'timestamp(3)',
      revokedAt: 'timestamp(3)', metadata: 'jsonb',
    };
    const day = 86_400_000;
    for (let start = 0; start < keys; start += BATCH) {
      const rows: Record<string, unknown>[] = [];
      const ipRules: Record<string, unknown>[] = [];
      for (let i = start; i < Math.min(keys, start + BATCH); i++) {
        const publicId = generatePublicId();
        if (publicIds.length < 5_000) publicIds.push(publicId);
        const id = newId('key');
        if (i === Math.floor(keys * 0.9)) deepKeyId = id;
        const status = i % 50 === 0 ? 'REVOKED' : i % 20 === 0 ? 'DISABLED' : 'ACTIVE';
        const created = new Date(Date.now() - (keys - i) * 1000).toISOString();
        rows.push({
          id, tenantId, publicId, name: `${COMMON_TERM} key ${i} ${WORDS[i % WORDS.length]}`, description: i % 3 === 0 ? `used by team ${i % 17}` : '',
          ownerId: owners[i % owners.length], groupId: i % 5 === 0 ? null : groups[i % GROUPS]!.id, scopes: `{${SCOPES.slice(0, 1 + (i % 3)).join(',')}${i % 97 === 0 ? ',admin:all' : ''}}`,
          endpoints: '{*}', status, expiresAt: i % 4 === 0 ? new Date(Date.now() + (i % 60) * day).toISOString() : null, secretHash,
          keyPrefix: tenant.keyPrefix, keyTail: formatKey(tenant.keyPrefix, publicId, secret).slice(-4), createdAt: created, updatedAt: created,
          revokedAt: status === 'REVOKED' ? created : null, metadata: i % 2 ? { team: `t${i % 17}` } : null,
        });
        if (i % 10 === 0) ipRules.push({ id: newId('ipr'), tenantId, apiKeyId: id, action: 'ALLOW', cidr: `10.${i % 250}.0.0/16`, description: '', createdAt: created });
      }
      await insert('ApiKey', keyColumns, rows);
      await insert('IpRule', { id: 'text', tenantId: 'text', apiKeyId: 'text', action: '"IpRuleAction"', cidr: 'text', description: 'text', createdAt: 'timestamp(3)' }, ipRules);
    }
    if (auditEvents > 0) {
      // Plausible chain fields (reads only look at them; retention deletes them): ids in the app's
      // format (hex digits are Crockford digits), hashes 64 hex characters, prevHash the one before.
      const base = (await prisma.$queryRawUnsafe<{ max: number | null }[]>(`SELECT max(seq) AS max FROM "AuditEvent" WHERE "tenantId" = $1`, tenantId))[0]?.max ?? 0;
      const chunk = 100_000;
      for (let from = 1; from <= auditEvents; from += chunk) {
        const to = Math.min(auditEvents, from + chunk - 1);
        await prisma.$executeRawUnsafe(
          `INSERT INTO "AuditEvent" (id, "tenantId", seq, "actorType", "actorId", action, "targetType", "targetId", changes, "createdAt", "prevHash", hash)
           SELECT 'aud_0' || lpad(to_hex(g), 13, '0') || substr(md5($1 || g::text), 1, 12), $1, $2::int + g, 'MEMBER', $3,
                  (ARRAY['key.created','key.updated','key.revoked','member.updated','group.updated'])[1 + g % 5], 'ApiKey', 'key_0' || lpad(to_hex(g % 5000), 25, '0'),
                  jsonb_build_object('name', jsonb_build_object('before', 'a', 'after', 'b' || g)),
                  now() - interval '400 days' + g * interval '1 second',
                  CASE WHEN g = 1 THEN repeat('0', 64) ELSE md5(($2::int + g - 1)::text) || md5($1 || ($2::int + g - 1)::text) END,
                  md5(($2::int + g)::text) || md5($1 || ($2::int + g)::text)
           FROM generate_series($4::int, $5::int) AS g`,
          tenantId, base, member.id, from, to,
        );
      }
    }
    // Every seeded event is older than this: the bench's retention run removes them all.
    if (auditEvents > 0) await prisma.tenant.update({ where: { id: tenantId }, data: { auditRetentionDays: 30 } });
    await prisma.$executeRawUnsafe('ANALYZE');
    const freshSession = generateOpaqueToken('kws');
    await prisma.session.create({ data: { id: newId('ses'), tenantId, memberId: member.id, tokenHash: sha256Hex(freshSession), expiresAt: new Date(Date.now() + 86_400_000) } });
    return { tenantId, prefix: tenant.keyPrefix, session, freshSession, groupId: groups[1]!.id, ownerId: members[2]!.id, publicIds, deepKeyId, secret };
  });
}

// ---------------------------------------------------------------------------------------------
// Timing

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** A copy in random order (Fisher-Yates). */
const shuffled = <T>(xs: readonly T[]): T[] => {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
const quantile = (xs: number[], q: number) => {
  const s = sorted(xs);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** One request; rejects on a non-2xx answer or GraphQL errors. Returns milliseconds and the body. */
function request(base: string, pathname: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ ms: number; body: string; status: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathname}`, { method: options.method ?? 'POST', headers: options.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ms: performance.now() - start, body: Buffer.concat(chunks).toString('utf8'), status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function graphql(base: string, session: string, query: string, variables?: Record<string, unknown>): Promise<number> {
  const { ms, body, status } = await request(base, '/graphql', { headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` }, body: JSON.stringify({ query, variables }) });
  const parsed = JSON.parse(body) as { errors?: { message: string }[] };
  if (status !== 200 || parsed.errors?.length) throw new Error(`GraphQL ${status}: ${parsed.errors?.[0]?.message ?? body.slice(0, 200)}\n${query}`);
  return ms;
}

async function verify(base: string, session: string, key: string): Promise<number> {
  const { ms, status, body } = await request(base, '/v1/verify', {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
    body: JSON.stringify({ key, scopes: ['tickets:read'] }),
  });
  if (status !== 200) throw new Error(`verify ${status}: ${body.slice(0, 200)}`);
  return ms;
}

interface Row {
  id: string;
  name: string;
  p50: number;
  p95: number;
  p99?: number;
  note?: string;
}

const KEY_FIELDS = 'id publicId name status expiresAt scopes createdAt group { id name } owner { id name email } ipRules { id cidr action }';
const keysQuery = (args: string) => `{ apiKeys(${args}) { edges { node { ${KEY_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;

async function main(): Promise<void> {
  const { formatKey } = await import('@keywarden/sdk/key-format');
  const { generateSecret } = await import('../src/domain/keyFormat.ts');
  const { hashSecret, OWASP_MIN_ARGON2 } = await import('../src/domain/secrets.ts');
  const postgres = Boolean(process.env.DATABASE_URL);
  const KEYS = arg('keys') ?? (postgres ? 100_000 : 10_000);
  const AUDIT = arg('audit') ?? (postgres ? 1_000_000 : 100_000);
  // 1,000 samples: a p95 is the 50th-worst. With 200 (the 10th-worst), the p95s of lists that cost
  // the same differed by up to a third from run to run (groups with and without keyCount, 1.38x
  // one way in one run, roles 0.85x the other way in the same run), which decided targets by noise.
  const ROUNDS = arg('rounds') ?? 1_000;
  const SOAK = arg('soak-seconds') ?? 60;
  const dataDir = postgres ? null : mkdtempSync(path.join(tmpdir(), 'keywarden-scale-'));
  const database: DatabaseConfig = postgres ? { kind: 'postgres', url: process.env.DATABASE_URL! } : { kind: 'pglite', dataDir: dataDir! };
  const dbEnv: Record<string, string> = postgres ? { DATABASE_URL: process.env.DATABASE_URL! } : { KEYWARDEN_DATA_DIR: dataDir! };
  const serverEnv = { ...dbEnv, KEYWARDEN_MIGRATE_ON_START: 'false', KEYWARDEN_BOOTSTRAP_ON_START: 'false' };

  console.log(`Keywarden scale benchmark: ${cpus().length} CPUs, Node ${process.version}, ${database.kind}, ${KEYS} keys in each of two tenants, ` +
    `${AUDIT} audit events, ${ROUNDS} samples per scenario, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}.`);
  const secret = generateSecret();
  const secretHash = await hashSecret(secret, OWASP_MIN_ARGON2);
  const seedStart = performance.now();
  const a = await seedTenant(database, FIRST_TENANT, KEYS, AUDIT, secret, secretHash);
  await seedTenant(database, 'Other', KEYS, 0, secret, secretHash);
  const small = await seedTenant(database, 'Small', 200, 0, secret, secretHash);
  console.log(`Seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s.`);

  const server = await startChild(serverEnv);
  const rows: Row[] = [];
  const rss: Record<string, number> = {};
  try {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    rss.idle = (await server.command('gc')).rss!;
    const auth = await server.command(`auth:${a.freshSession}`);
    if (auth.member !== 1) throw new Error('the fresh session did not authenticate');
    rss.authStatements = auth.statements!;
    const base = server.url;
    const q = (session: string, query: string) => () => graphql(base, session, query);

    // A cursor nine tenths of the way through the list, as the list writes cursors (walking there
    // page by page would take thousands of requests).
    const { formatPrismaCursor } = await import('@pothos/plugin-prisma');
    const deepCursor = formatPrismaCursor({ id: a.deepKeyId }, 'id');
    const soon = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const scenarios: { id: string; name: string; run: () => Promise<number> }[] = [
      { id: 'viewer', name: '{ viewer { kind } }', run: q(a.session, '{ viewer { kind } }') },
      { id: 'first', name: 'first page, 50 keys with group, owner, IP rules', run: q(a.session, keysQuery('first: 50')) },
      { id: 'deep', name: 'a page 9/10 of the way in (after a cursor)', run: q(a.session, keysQuery(`first: 50, after: "${deepCursor}"`)) },
      { id: 'f-group', name: 'filter: group', run: q(a.session, keysQuery(`first: 50, filter: { groupId: "${a.groupId}" }`)) },
      { id: 'f-owner', name: 'filter: owner', run: q(a.session, keysQuery(`first: 50, filter: { ownerId: "${a.ownerId}" }`)) },
      { id: 'f-status', name: 'filter: status REVOKED', run: q(a.session, keysQuery('first: 50, filter: { status: REVOKED }')) },
      { id: 'f-expiring', name: 'filter: expiring within 7 days', run: q(a.session, keysQuery(`first: 50, filter: { expiringBefore: "${soon}" }`)) },
      { id: 'f-scope', name: 'filter: scope admin:all', run: q(a.session, keysQuery('first: 50, filter: { scope: "admin:all" }')) },
      { id: 's-common', name: `search: common ("${COMMON_TERM}")`, run: q(a.session, keysQuery(`first: 50, filter: { search: "${COMMON_TERM}" }`)) },
      { id: 's-rare', name: `search: rare ("${RARE_TERM}")`, run: q(a.session, keysQuery(`first: 50, filter: { search: "${RARE_TERM}" }`)) },
      { id: 's-absent', name: `search: absent ("${ABSENT_TERM}")`, run: q(a.session, keysQuery(`first: 50, filter: { search: "${ABSENT_TERM}" }`)) },
      { id: 'groups+', name: 'groups with keyCount', run: q(a.session, '{ groups(first: 50) { edges { node { id name keyCount } } } }') },
      { id: 'groups', name: 'groups', run: q(a.session, '{ groups(first: 50) { edges { node { id name } } } }') },
      { id: 'members+', name: 'members with apiKeyCount', run: q(a.session, '{ members(first: 50) { edges { node { id name apiKeyCount } } } }') },
      { id: 'members', name: 'members', run: q(a.session, '{ members(first: 50) { edges { node { id name } } } }') },
      { id: 'roles+', name: 'roles with memberCount', run: q(a.session, '{ roles(first: 50) { edges { node { id name memberCount } } } }') },
      { id: 'roles', name: 'roles', run: q(a.session, '{ roles(first: 50) { edges { node { id name } } } }') },
      { id: 'small-groups+', name: 'small tenant: groups with keyCount', run: q(small.session, '{ groups(first: 50) { edges { node { id name keyCount } } } }') },
      { id: 'small-groups', name: 'small tenant: groups', run: q(small.session, '{ groups(first: 50) { edges { node { id name } } } }') },
      { id: 'audit', name: 'audit page (50)', run: q(a.session, '{ auditEvents(first: 50) { edges { node { id seq action actorType actorId targetId createdAt } } } }') },
      { id: 'audit-f', name: 'audit page, filtered by action', run: q(a.session, '{ auditEvents(first: 50, filter: { action: "key.revoked" }) { edges { node { id seq action targetId createdAt } } } }') },
    ];
    // Every scenario answers before anything is timed (and warms V8).
    for (let i = 0; i < 3; i++) for (const s of scenarios) await s.run();
    const samples = new Map<string, number[]>(scenarios.map((s) => [s.id, []]));
    // Each round runs the scenarios in a new random order: a request pays for some of the work the
    // one before it left behind (its garbage, its response still being written), so in a fixed order
    // the scenario after the heaviest one measured slower than it is (the deep page, after the
    // first page, by ~1 ms at p50; swapped, the first page did).
    for (let round = 0; round < ROUNDS; round++) for (const s of shuffled(scenarios)) samples.get(s.id)!.push(await s.run());
    for (const s of scenarios) rows.push({ id: s.id, name: s.name, p50: quantile(samples.get(s.id)!, 0.5), p95: quantile(samples.get(s.id)!, 0.95) });

    // Verify: warm (keys already verified once, so cached) and cold (never seen: a lookup and argon2).
    const keyText = (publicId: string) => formatKey(a.prefix, publicId, secret);
    const warmKeys = a.publicIds.slice(0, 200).map(keyText);
    for (const k of warmKeys) await verify(base, a.session, k);
    const warm: number[] = [];
    for (let i = 0; i < ROUNDS * 5; i++) warm.push(await verify(base, a.session, warmKeys[Math.floor(Math.random() * warmKeys.length)]!));
    const coldKeys = shuffled(a.publicIds.slice(200)).slice(0, ROUNDS).map(keyText);
    const cold: number[] = [];
    for (const k of coldKeys) cold.push(await verify(base, a.session, k));
    rows.push({ id: 'verify-warm', name: 'verify, warm, random keys', p50: quantile(warm, 0.5), p95: quantile(warm, 0.95), p99: quantile(warm, 0.99) });
    rows.push({ id: 'verify-cold', name: 'verify, cold (argon2), random keys', p50: quantile(cold, 0.5), p95: quantile(cold, 0.95) });

    // Export: events per second over the first 10 s (or the whole export).
    {
      const start = performance.now();
      let events = 0;
      await new Promise<void>((resolve, reject) => {
        const req = http.get(`${base}/v1/audit/export`, { headers: { authorization: `Bearer ${a.session}` } }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`export ${res.statusCode}`));
          res.on('data', (c: Buffer) => {
            for (const byte of c) if (byte === 10) events++;
            if (performance.now() - start > 10_000) {
              req.destroy();
              resolve();
            }
          });
          res.on('end', () => resolve());
        });
        req.on('error', (e) => (performance.now() - start > 10_000 ? resolve() : reject(e)));
      });
      const seconds = (performance.now() - start) / 1000;
      rows.push({ id: 'export', name: 'audit export', p50: NaN, p95: NaN, note: `${events} events in ${seconds.toFixed(1)} s: ${Math.round(events / seconds)} events/s` });
    }

    // Retention: verify p99 without, then during the deletion of every seeded event.
    const verifyLoop = (until: () => boolean) => {
      const latencies: number[] = [];
      const loop = async () => {
        while (!until()) latencies.push(await verify(base, a.session, warmKeys[Math.floor(Math.random() * warmKeys.length)]!));
      };
      return Promise.all([loop(), loop()]).then(() => latencies);
    };
    const quietUntil = performance.now() + 5_000;
    const quiet = await verifyLoop(() => performance.now() > quietUntil);
    let done = false;
    const retention = server.command('retention').then((r) => ((done = true), r));
    const during = await verifyLoop(() => done);
    const purge = await retention;
    rows.push({ id: 'verify-quiet', name: 'verify, warm, 2 loops, no retention', p50: quantile(quiet, 0.5), p95: quantile(quiet, 0.95), p99: quantile(quiet, 0.99) });
    rows.push({ id: 'verify-retention', name: 'verify, warm, 2 loops, during retention', p50: quantile(during, 0.5), p95: quantile(during, 0.95), p99: quantile(during, 0.99), note: `retention removed ${purge.removed} events in ${(purge.ms! / 1000).toFixed(1)} s` });

    // Soak: four loops of mixed list, search and verify requests. "Before" is read after a warm-up
    // of the same traffic, not right after the export and the retention run: what those left in the
    // heap (up or down) is not growth of the soak's own.
    const mix = [...scenarios.filter((s) => s.id !== 'viewer').map((s) => s.run), () => verify(base, a.session, warmKeys[Math.floor(Math.random() * warmKeys.length)]!)];
    let soakRequests = 0;
    const soakFor = (seconds: number) => {
      const until = performance.now() + seconds * 1000;
      return Promise.all(Array.from({ length: 4 }, async () => {
        while (performance.now() < until) {
          await mix[Math.floor(Math.random() * mix.length)]!();
          soakRequests++;
        }
      }));
    };
    await soakFor(Math.min(10, SOAK / 6));
    const readings = [await server.command('gc')];
    soakRequests = 0;
    // A reading (after a full GC) every 10 s: a leak climbs from reading to reading, a heap that
    // is settling or giving pages back moves and stops.
    for (let left = SOAK; left > 0; left -= 10) {
      await soakFor(Math.min(10, left));
      readings.push(await server.command('gc'));
    }
    rss.beforeSoak = readings[0]!.rss!;
    rss.afterSoak = readings.at(-1)!.rss!;
    const series = (field: string) => readings.map((r) => Math.round(r[field]! / 1048576)).join(' ');
    soakSeries = [`RSS ${series('rss')}`, `V8 heap used ${series('heapUsed')}`, `V8 heap total ${series('heapTotal')}`, `external ${series('external')}`];
    rows.push({ id: 'soak', name: `mixed soak, ${SOAK} s, 4 loops`, p50: NaN, p95: NaN, note: `${soakRequests} requests` });

    print(rows, rss, database.kind, KEYS);
  } finally {
    await server.stop();
    agent.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The soak's readings, MB, one line per figure (filled in by the soak). */
let soakSeries: string[] = [];

function print(rows: Row[], rss: Record<string, number>, kind: string, keys: number): void {
  const get = (id: string) => rows.find((r) => r.id === id)!;
  const fmt = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
  const viewer = get('viewer');
  const header = ['', 'scenario', 'p50 ms', 'p95 ms', 'p99 ms', '×viewer p95'];
  const table = rows.map((r) => [r.id, r.name, fmt(r.p50), fmt(r.p95), fmt(r.p99), Number.isNaN(r.p95) ? '-' : fmt(r.p95 / viewer.p95, 2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${kind}, ${keys} keys per tenant; load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const t of table) console.log(line(t));
  for (const r of rows) if (r.note) console.log(`  (${r.id}) ${r.note}`);
  const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
  console.log(`  RSS: idle ${mb(rss.idle!)}, before the soak (after its warm-up) ${mb(rss.beforeSoak!)}, after it ${mb(rss.afterSoak!)}`);
  console.log(`  Every 10 s of the soak, after a full GC (MB):\n${soakSeries.map((l) => `    ${l}`).join('\n')}`);

  const first = get('first');
  const ratio = (x: Row, y: Row) => x.p95 / y.p95;
  const filters = ['f-group', 'f-owner', 'f-status', 'f-expiring', 'f-scope', 's-common', 's-rare', 's-absent'].map(get);
  const worstFilter = filters.sort((x, y) => y.p95 - x.p95)[0]!;
  const counts = [['groups+', 'groups'], ['members+', 'members'], ['roles+', 'roles'], ['small-groups+', 'small-groups']].map(([w, wo]) => ({ id: w!, r: ratio(get(w!), get(wo!)) }));
  const worstCount = counts.sort((x, y) => y.r - x.r)[0]!;
  const checks: [string, boolean, string][] = [
    ['first page p95 <= 3 x viewer p95', first.p95 <= 3 * viewer.p95, `${fmt(ratio(first, viewer), 2)}`],
    // The deep page is the first page's statement with a cursor (same plan, same rows), so their
    // p95s differ by noise alone; a strict <= was a coin toss (0.95-1.02 over four runs). 10 % is
    // that noise band; OFFSET paging 9/10 into 100,000 keys would be several times over.
    ['deep page p95 <= 1.1 x first page p95', get('deep').p95 <= 1.1 * first.p95, `${fmt(ratio(get('deep'), first), 2)}`],
    ['filters, searches p95 <= 2 x first page', worstFilter.p95 <= 2 * first.p95, `worst ${worstFilter.id} ${fmt(ratio(worstFilter, first), 2)}`],
    ['counts p95 <= 1.3 x without', worstCount.r <= 1.3, `worst ${worstCount.id} ${fmt(worstCount.r, 2)} (${counts.map((c) => `${c.id} ${fmt(c.r, 2)}`).join(', ')})`],
    ['session authentication in one statement', rss.authStatements === 1, `${rss.authStatements} statements`],
    ['idle RSS <= 200 MB', rss.idle! <= 200 * 1048576, mb(rss.idle!)],
    ['RSS after soak within 10% of before', Math.abs(rss.afterSoak! - rss.beforeSoak!) <= 0.1 * rss.beforeSoak!, `${mb(rss.beforeSoak!)} -> ${mb(rss.afterSoak!)}`],
    ['verify p99 during retention <= 2 x without', get('verify-retention').p99! <= 2 * get('verify-quiet').p99!, `${fmt(get('verify-retention').p99)} vs ${fmt(get('verify-quiet').p99)} ms`],
  ];
  console.log('\nTargets:');
  for (const [name, ok, value] of checks) console.log(`  ${ok ? 'met ' : 'MISS'}  ${name.padEnd(42)} ${value}`);
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
