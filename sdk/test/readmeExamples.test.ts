// The README examples that read KEYWARDEN_KEY (the SDK section of ../README.md and this package's
// README.md), taken from the READMEs as written: type-checked with tsc, then run as scripts (their
// own process, importing `@keywarden/sdk`) against a live server, with a script's key made as the
// README's "A key for an automation script" says.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient, isWellFormedKey } from '../src/index.ts';
import { startLiveServer, type LiveServer, type TestTenant } from './helpers/liveServer.ts';
import { PROCESS_TEST_TIMEOUT_MS, run } from './helpers/process.ts';

const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** The ```ts blocks of a markdown file that read KEYWARDEN_KEY: the runnable examples. */
function examples(path: string): string[] {
  const markdown = readFileSync(path, 'utf8');
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map(([, code]) => code!).filter((code) => code.includes('process.env.KEYWARDEN_KEY'));
}

const EXAMPLES = [
  { name: 'readme-sdk-section', code: examples(join(SDK_DIR, '../README.md')) },
  { name: 'sdk-readme', code: examples(join(SDK_DIR, 'README.md')) },
];

let live: LiveServer;
let tenant: TestTenant;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  live = await startLiveServer();
  tenant = await live.createTenant();
  // The recipe, through the SDK as the tenant's owner: a scope, a role of exactly the script's
  // scopes, a member without a password holding it, and the script's key acting for that member.
  const owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
  await owner.scopes.create({ name: 'tickets:read' });
  const scopes = ['groups:read', 'groups:write', 'keys:read', 'keys:write', 'keys:verify', 'tickets:read'];
  const role = await owner.roles.create({ name: 'provisioning', scopes });
  const bot = await owner.members.create({ email: 'provisioning@example.test', name: 'provisioning script', roleId: role.id });
  const { key } = await owner.keys.create({ name: 'provisioning script', ownerId: bot.id, scopes });
  env = { KEYWARDEN_URL: live.url, KEYWARDEN_KEY: key, KEYWARDEN_OWNER_ID: bot.id };

  dir = mkdtempSync(join(SDK_DIR, '.readme-examples-'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { noEmit: true }, include: ['*.ts'] }));
  for (const { name, code } of EXAMPLES) code.forEach((source, i) => writeFileSync(join(dir, `${name}-${i}.ts`), `${source}\nexport {};\n`));
});
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await live?.close();
});

test('each README names its runnable examples', () => {
  for (const { name, code } of EXAMPLES) expect(code.length, name).toBeGreaterThanOrEqual(1);
});

test('the examples type-check against the SDK', async () => {
  const result = await run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { cwd: SDK_DIR });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.code).toBe(0);
}, PROCESS_TEST_TIMEOUT_MS);

test('the examples run with a script key against a live server', async () => {
  const owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
  for (const { name, code } of EXAMPLES) {
    for (let i = 0; i < code.length; i++) {
      const result = await run(process.execPath, ['--conditions=keywarden-source', '--import', 'tsx', join(dir, `${name}-${i}.ts`)], { cwd: SDK_DIR, env });
      expect(result.stderr, `${name}-${i}`).toBe('');
      expect(result.code, `${name}-${i}`).toBe(0);
      // Whatever key an example prints is well formed, and the server knows it as the script's.
      const printed = result.stdout.match(/\bkw_[A-Za-z0-9_]+/g) ?? [];
      for (const key of printed.filter((k) => isWellFormedKey(k))) {
        expect(await owner.verify({ key, scopes: ['tickets:read'] }), `${name}-${i}: ${key}`).toMatchObject({ valid: true, ownerId: env.KEYWARDEN_OWNER_ID });
      }
    }
  }
  // README.md's example: a group with its key, verified by the script itself.
  const [group] = await owner.groups.list({ filter: { search: 'integrations' } }).toArray();
  expect(group).toMatchObject({ name: 'integrations', keyCount: 1 });
  const made = await owner.keys.list({ filter: { ownerId: env.KEYWARDEN_OWNER_ID } }).toArray();
  expect(made.map((k) => k.name).sort()).toEqual(['billing-sync', 'metered', 'nightly-export', 'provisioning script', 'ticket-sync']);
  // The types example: a 30-day key (expiresIn as a duration), disabled by the example itself.
  const nightly = made.find((k) => k.name === 'nightly-export')!;
  expect(nightly.status).toBe('DISABLED');
  expect(nightly.expiresAt!.getTime() - nightly.createdAt.getTime()).toBeGreaterThan(30 * 86_400_000 - 10_000);
  // The limits example: the metered key's identity, its limits and credits as set.
  const metered = made.find((k) => k.name === 'metered')!;
  expect(metered).toMatchObject({ externalId: 'cust-42', rateLimit: { limit: 100, windowMs: 60_000 } });
  expect(metered.credits?.remaining).toBe(995);
  for (const k of made.filter((k) => k.name !== 'provisioning script')) expect(k.createdBy).toMatchObject({ type: 'API_KEY', displayName: 'provisioning script' });
}, PROCESS_TEST_TIMEOUT_MS * 2);
