// `pnpm --filter @keywarden/console bench:first-render`: the time from navigating to /console/keys
// to the first row of the keys list on screen, for a tenant with 100,000 keys and, in the same run
// and the same rounds, for a tenant with none (whose page shows its empty state instead): their
// ratio says what the keys cost, whatever the machine's speed.
//
// Seeds straight into the database (batches of INSERT … SELECT FROM json_to_recordset, as
// server/scripts/benchScale.ts does), builds the console, starts the server in a child process
// (server/scripts/benchChild.ts), logs each tenant's owner in with Chromium, then loads the page
// again and again. The moment is taken in the page (performance.now(), from the navigation's
// start) on the first animation frame after the first row (or the empty state) is in the DOM.
//
//   --keys N     keys of the big tenant (default 100,000)
//   --loads N    measured loads per tenant (default 9), after one warm-up load each
//   DATABASE_URL PostgreSQL (default: a temporary PGlite folder); the seeded tenants are removed after
//   CHROMIUM_PATH the browser (default /usr/bin/chromium)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBenchChild } from '../../server/scripts/benchChild.ts';
import type { DatabaseConfig } from '../../server/src/db/database.ts';

const SELF = fileURLToPath(import.meta.url);
const CONSOLE_DIR = path.resolve(path.dirname(SELF), '..');
const PASSWORD = 'bench first render password';
const BATCH = 5_000;

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} takes a whole number`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Child: the server (the console's files from this package's fresh dist/).

async function serve(): Promise<void> {
  const { loadConfig } = await import('../../server/src/config.ts');
  const { createLogger } = await import('../../server/src/logger.ts');
  const { openDatabase } = await import('../../server/src/db/database.ts');
  const { createApp } = await import('../../server/src/app.ts');
  const { createRequestListener } = await import('../../server/src/http/router.ts');
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const db = await openDatabase(config.database);
  const app = createApp({ config, db, logger: createLogger('warn'), audit: { retentionIntervalMs: null } });
  await app.verification.ready();
  const server = http.createServer(createRequestListener(app));
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', (m) => {
    if (m !== 'stop') return;
    server.close(async () => {
      await app.close();
      await db.close();
      process.exit(0);
    });
    server.closeAllConnections();
  });
}

// ---------------------------------------------------------------------------------------------
// Seeding

interface BenchTenant {
  id: string;
  slug: string;
  email: string;
}

async function seed(database: DatabaseConfig, name: string, keys: number): Promise<BenchTenant> {
  const { withSeededTenant } = await import('../../server/scripts/seedTenant.ts');
  const { newId } = await import('../../server/src/domain/ids.ts');
  const { generatePublicId } = await import('../../server/src/domain/keyFormat.ts');
  const { hashSecret, OWASP_MIN_ARGON2 } = await import('../../server/src/domain/secrets.ts');
  return withSeededTenant(database, name, async ({ prisma, tenant, member }) => {
    const tenantId = tenant.id;
    const passwordHash = await hashSecret(PASSWORD, OWASP_MIN_ARGON2);
    const owner = await prisma.member.update({ where: { id: member.id }, data: { passwordHash } });
    const { slug } = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const insert = async (table: string, columns: Record<string, string>, rows: Record<string, unknown>[]) => {
      const names = Object.keys(columns);
      const list = names.map((c) => `"${c}"`).join(', ');
      const types = names.map((c) => `"${c}" ${columns[c]}`).join(', ');
      for (let i = 0; i < rows.length; i += BATCH) {
        await prisma.$executeRawUnsafe(`INSERT INTO "${table}" (${list}) SELECT ${list} FROM json_to_recordset($1::json) AS r(${types})`, JSON.stringify(rows.slice(i, i + BATCH)));
      }
    };
    if (keys > 0) {
      const now = new Date().toISOString();
      const role = await prisma.role.findFirstOrThrow({ where: { tenantId, builtIn: 'MEMBER' } });
      const members = Array.from({ length: 20 }, (_, i) => ({ id: newId('mem'), tenantId, email: `m${i}@${slug}.example.test`, name: `Member ${i}`, status: 'ACTIVE', roleId: role.id, createdAt: now, updatedAt: now }));
      await insert('Member', { id: 'text', tenantId: 'text', email: 'text', name: 'text', status: '"MemberStatus"', roleId: 'text', createdAt: 'timestamp(3)', updatedAt: 'timestamp(3)' }, members);
      const groups = Array.from({ length: 20 }, (_, i) => ({ id: newId('grp'), tenantId, name: `group ${i}`, description: '', defaultScopes: '{}', scopeLimit: '{}', createdAt: now, updatedAt: now }));
      await insert('Group', { id: 'text', tenantId: 'text', name: 'text', description: 'text', defaultScopes: 'text[]', scopeLimit: 'text[]', createdAt: 'timestamp(3)', updatedAt: 'timestamp(3)' }, groups);
      const owners = [owner.id, ...members.map((m) => m.id)];
      const day = 86_400_000;
      const columns = {
        id: 'text', tenantId: 'text', publicId: 'text', name: 'text', description: 'text', ownerId: 'text', groupId: 'text', scopes: 'text[]', endpoints: 'text[]',
        status: '"KeyStatus"', expiresAt: 'timestamp(3)', lastUsedAt: 'timestamp(3)', secretHash: 'text', keyPrefix: 'text', keyTail: 'text', createdAt: 'timestamp(3)', updatedAt: 'timestamp(3)',
      };
      for (let start = 0; start < keys; start += BATCH) {
        const rows: Record<string, unknown>[] = [];
        for (let i = start; i < Math.min(keys, start + BATCH); i++) {
          const created = new Date(Date.now() - (keys - i) * 1000).toISOString();
          rows.push({
            id: newId('key'), tenantId, publicId: generatePublicId(), name: `service key ${i}`, description: i % 3 === 0 ? `used by team ${i % 17}` : '',
            ownerId: owners[i % owners.length], groupId: i % 5 === 0 ? null : groups[i % groups.length]!.id, scopes: '{tickets:read}', endpoints: '{*}',
            status: i % 50 === 0 ? 'REVOKED' : i % 20 === 0 ? 'DISABLED' : 'ACTIVE', expiresAt: i % 4 === 0 ? new Date(Date.now() + (i % 60) * day).toISOString() : null,
            lastUsedAt: i % 3 === 0 ? created : null, secretHash: 'seeded-not-a-hash', keyPrefix: tenant.keyPrefix, keyTail: 'AbCd', createdAt: created, updatedAt: created,
          });
        }
        await insert('ApiKey', columns, rows);
      }
      await prisma.$executeRawUnsafe('ANALYZE');
    }
    return { id: tenantId, slug, email: owner.email };
  });
}

async function removeTenants(database: DatabaseConfig, ids: string[]): Promise<void> {
  const { openDatabase } = await import('../../server/src/db/database.ts');
  const db = await openDatabase(database);
  try {
    await db.prisma.tenant.deleteMany({ where: { id: { in: ids } } });
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

declare global {
  interface Window {
    __keysShownAt?: number;
  }
}

/** A logged-in page that records, on each load, when the list's first row (or empty state) shows. */
async function loggedInPage(browser: Browser, origin: string, tenant: BenchTenant): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // As text: tsx would wrap named functions in a helper the page does not have.
  await page.addInitScript(`{
    const seen = () => document.querySelector('table.keys-table tbody tr, main .empty');
    const observer = new MutationObserver(() => {
      if (!seen()) return;
      observer.disconnect();
      requestAnimationFrame(() => { window.__keysShownAt = performance.now(); });
    });
    observer.observe(document, { childList: true, subtree: true });
  }`);
  await page.goto(`${origin}/console/keys`);
  await page.getByLabel('Tenant').fill(tenant.slug);
  await page.getByLabel('Email').fill(tenant.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
  await page.locator('table.keys-table tbody tr, main .empty').first().waitFor({ timeout: 120_000 }).catch(async (error: unknown) => {
    throw new Error(`The keys page of ${tenant.slug} showed no rows: ${await page.locator('main').textContent()}`, { cause: error });
  });
  return page;
}

/** One navigation to the keys page: milliseconds from its start to the first row on screen. */
async function load(page: Page, origin: string): Promise<number> {
  await page.goto(`${origin}/console/keys`, { waitUntil: 'commit' });
  await page.locator('table.keys-table tbody tr, main .empty').first().waitFor({ timeout: 120_000 });
  // Evaluated over the DevTools protocol (waitForFunction compiles its predicate in the page, which
  // the console's CSP refuses): the frame after the row appeared.
  const ms = (await page.evaluate(`new Promise((resolve) => {
    const check = () => (window.__keysShownAt !== undefined ? resolve(window.__keysShownAt) : requestAnimationFrame(check));
    check();
  })`)) as number;
  const rows = await page.locator('table.keys-table tbody tr').count();
  return rows > 0 || (await page.locator('main .empty').count()) > 0 ? ms : Number.NaN;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const load3 = () => loadavg().map((l) => l.toFixed(1)).join(' ');

function bundleSize(): string {
  const dir = path.join(CONSOLE_DIR, 'dist', 'assets');
  let raw = 0;
  let gz = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js') || f.endsWith('.css'))) {
    const body = readFileSync(path.join(dir, file));
    raw += body.length;
    gz += gzipSync(body).length;
  }
  return `${(raw / 1024).toFixed(0)} kB (${(gz / 1024).toFixed(0)} kB gzip), JS and CSS`;
}

async function main(): Promise<void> {
  const KEYS = arg('keys', 100_000);
  const LOADS = arg('loads', 9);
  const postgres = Boolean(process.env.DATABASE_URL);
  const dataDir = postgres ? null : mkdtempSync(path.join(tmpdir(), 'keywarden-first-render-'));
  const database: DatabaseConfig = postgres ? { kind: 'postgres', url: process.env.DATABASE_URL! } : { kind: 'pglite', dataDir: dataDir! };
  const dbEnv: Record<string, string> = postgres ? { DATABASE_URL: process.env.DATABASE_URL! } : { KEYWARDEN_DATA_DIR: dataDir! };
  console.log(`Keys page first render: ${cpus().length} CPUs, Node ${process.version}, ${database.kind}, ${KEYS} keys, ${LOADS} loads per tenant, load average ${load3()}.`);

  const { build } = await import('vite');
  await build({ root: CONSOLE_DIR, configFile: path.join(CONSOLE_DIR, 'vite.config.ts'), logLevel: 'warn' });
  console.log(`Console bundle: ${bundleSize()}.`);

  const seedStart = performance.now();
  const big = await seed(database, 'Big', KEYS);
  const empty = await seed(database, 'Empty', 0);
  console.log(`Seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s.`);

  const server = await startBenchChild(SELF, { ...dbEnv, KEYWARDEN_MIGRATE_ON_START: 'false', KEYWARDEN_BOOTSTRAP_ON_START: 'false' });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const pages = { big: await loggedInPage(browser, server.url, big), empty: await loggedInPage(browser, server.url, empty) };
    // A warm-up load each (the browser's cache, the server's first queries), then rounds: one load of
    // each per round, so a slow moment of the machine falls on both alike.
    await load(pages.big, server.url);
    await load(pages.empty, server.url);
    const times: { big: number[]; empty: number[] } = { big: [], empty: [] };
    for (let round = 0; round < LOADS; round++) {
      times.big.push(await load(pages.big, server.url));
      times.empty.push(await load(pages.empty, server.url));
    }
    if ([...times.big, ...times.empty].some(Number.isNaN)) throw new Error('a load showed neither rows nor the empty state');
    console.log(`\nNavigation to the first row visible (${LOADS} loads each, load average now ${load3()}):`);
    const row = (label: string, xs: number[]) => console.log(`  ${label.padEnd(22)} p50 ${fmt(quantile(xs, 0.5)).padStart(8)}   min ${fmt(Math.min(...xs)).padStart(8)}   max ${fmt(Math.max(...xs)).padStart(8)}`);
    row(`${KEYS} keys`, times.big);
    row('no keys (empty state)', times.empty);
    console.log(`  ratio of the p50s: ${(quantile(times.big, 0.5) / quantile(times.empty, 0.5)).toFixed(2)}`);
  } finally {
    await browser.close();
    await server.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    else await removeTenants(database, [big.id, empty.id]);
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
