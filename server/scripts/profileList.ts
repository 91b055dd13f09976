// The key list's path in one process, for profiling: runs `apiKeys` pages (the bench's fields)
// through Yoga against a database `pnpm bench:scale` seeded, prints the SQL of one request and the
// time per request; with --profile FILE, a CPU profile of the timed requests only (start-up left
// out), to open in Chrome's DevTools:
//
//   DATABASE_URL=postgres://…/bench_x pnpm exec tsx scripts/profileList.ts \
//     [--tenant Scale] [--requests 300] [--query '{ apiKeys(first: 50) { … } }'] [--profile /tmp/list.cpuprofile]
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { openDatabase } from '../src/db/database.ts';
import { createApp } from '../src/app.ts';
import { newId } from '../src/domain/ids.ts';
import { generateOpaqueToken, sha256Hex } from '../src/domain/secrets.ts';
import { sqlStatements } from '../test/harness/sqlStatements.ts';

const option = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1]!;
};
const KEY_FIELDS = 'id publicId name status expiresAt scopes createdAt group { id name } owner { id name email } ipRules { id cidr action }';
const query = option('query', `{ apiKeys(first: 50) { edges { node { ${KEY_FIELDS} } } pageInfo { hasNextPage endCursor } } }`);
const requests = Number(option('requests', '300'));

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL: a database seeded by pnpm bench:scale');
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const db = await openDatabase({ kind: 'postgres', url });
const app = createApp({ config, db, logger: createLogger('warn'), audit: { retentionIntervalMs: null } });
await app.verification.ready();

// A session of the tenant's first member, made for this run.
const tenant = await db.prisma.tenant.findFirstOrThrow({ where: { name: option('tenant', 'Scale') } });
const member = await db.prisma.member.findFirstOrThrow({ where: { tenantId: tenant.id, role: { builtIn: 'OWNER' } } });
const token = generateOpaqueToken('kws');
await db.prisma.session.create({ data: { id: newId('ses'), tenantId: tenant.id, memberId: member.id, tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + 3_600_000) } });

const run = async () => {
  const response = await app.yoga.fetch('http://keywarden/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
};

for (let i = 0; i < 20; i++) await run();
for (const sql of await sqlStatements(db, run)) console.log(`${sql}\n`);
const profile = option('profile', '');
const inspector = new Session();
if (profile) {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
}
const start = performance.now();
const cpu = process.cpuUsage();
for (let i = 0; i < requests; i++) await run();
const used = process.cpuUsage(cpu);
// CPU time is what this process spent; wall time also counts waiting (PostgreSQL, a busy machine).
console.log(`${requests} requests: ${((performance.now() - start) / requests).toFixed(2)} ms each, ${((used.user + used.system) / 1000 / requests).toFixed(2)} ms CPU each`);
if (profile) {
  const { profile: data } = await inspector.post('Profiler.stop');
  writeFileSync(profile, JSON.stringify(data));
  inspector.disconnect();
}
await app.close();
await db.close();
