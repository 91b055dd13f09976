// The SDK as a user gets it: built (ESM + .d.ts), packed with `pnpm pack`, installed with npm into a
// folder outside the workspace (its dependencies from the registry), then imported by a plain .mjs
// script that creates a tenant, logs in, provisions a key and uses it against a live server; and
// type-checked from a TypeScript file through the package's `exports` map.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLiveServer, type LiveServer } from './helpers/liveServer.ts';
import { PROCESS_TEST_TIMEOUT_MS, run } from './helpers/process.ts';

const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
let live: LiveServer;
let outside: string;

beforeAll(async () => {
  outside = await mkdtemp(path.join(tmpdir(), 'keywarden-sdk-consumer-'));
  const [server, build] = await Promise.all([startLiveServer(), run('pnpm', ['run', 'build'], { cwd: SDK_DIR, timeoutMs: 120_000 })]);
  live = server;
  expect(build.stderr + build.stdout).not.toMatch(/error TS/);
  expect(build.code).toBe(0);

  const pack = await run('pnpm', ['pack', '--pack-destination', outside], { cwd: SDK_DIR });
  expect(pack.code).toBe(0);
  const tarball = (await readdir(outside)).find((f) => f.endsWith('.tgz'))!;
  await writeFile(path.join(outside, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `./${tarball}`], { cwd: outside, timeoutMs: 150_000 });
  expect(install.stderr).not.toMatch(/ERR!/);
  expect(install.code).toBe(0);
}, 300_000);

afterAll(async () => {
  await live?.close();
  if (outside) await rm(outside, { recursive: true, force: true });
});

test('the packed tarball holds the build, not the sources or tests', async () => {
  const listing = await run('tar', ['tzf', (await readdir(outside)).find((f) => f.endsWith('.tgz'))!], { cwd: outside });
  const files = listing.stdout.trim().split('\n');
  expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/keyFormat.js', 'package/README.md']));
  expect(files.some((f) => /\/(src|test|examples)\//.test(f))).toBe(false);
});

test('a plain .mjs script outside the repository provisions a key against a live server', async () => {
  await writeFile(
    path.join(outside, 'provision.mjs'),
    `
import { createClient, isWellFormedKey, ConflictError, KeywardenError } from '@keywarden/sdk';
import { parseKey } from '@keywarden/sdk/key-format';

const url = process.env.KEYWARDEN_URL;
const platform = createClient({ url, platformToken: process.env.KEYWARDEN_PLATFORM_TOKEN });
const slug = 'outside-' + Date.now().toString(36);
const tenant = await platform.tenants.create({ name: 'Outside', slug, keyPrefix: 'out' });
const roles = await platform.roles.list({ filter: { tenantId: tenant.id, builtIn: true } }).toArray();
const email = 'ops@outside.test', password = 'a password long enough';
await platform.members.create({ tenantId: tenant.id, email, name: 'Ops', password, roleId: roles.find((r) => r.builtIn === 'OWNER').id });

const { token } = await createClient({ url }).sessions.login({ tenant: slug, email, password });
const owner = createClient({ url, sessionToken: token });
const { apiKey, secret } = await owner.keys.create({ name: 'from-outside', scopes: ['keys:read'] });
const listed = await createClient({ url, apiKey: secret }).keys.list().toArray();

let conflict = null;
try { await platform.tenants.create({ name: 'Again', slug }); } catch (error) { conflict = error instanceof ConflictError && error instanceof KeywardenError ? error.code : String(error); }
console.log(JSON.stringify({ tenant: tenant.slug, keyId: apiKey.id, wellFormed: isWellFormedKey(secret), prefix: parseKey(secret).prefix, listed: listed.map((k) => k.id), conflict }));
`,
  );
  const result = await run(process.execPath, ['provision.mjs'], {
    cwd: outside,
    env: { KEYWARDEN_URL: live.url, KEYWARDEN_PLATFORM_TOKEN: live.platformToken },
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const output = JSON.parse(result.stdout);
  expect(output).toMatchObject({ tenant: expect.stringMatching(/^outside-/), wellFormed: true, prefix: 'out', conflict: 'CONFLICT' });
  expect(output.listed).toEqual([output.keyId]);
}, PROCESS_TEST_TIMEOUT_MS);

test('the declarations type-check a TypeScript consumer through the exports map', async () => {
  await writeFile(
    path.join(outside, 'consumer.ts'),
    `
import { createClient, NotFoundError, ValidationError, type ApiKey, type IssuedKey, type VerifyResult } from '@keywarden/sdk';
import { isWellFormedKey } from '@keywarden/sdk/key-format';

export async function rotateAll(url: string, sessionToken: string): Promise<string[]> {
  const client = createClient({ url, sessionToken, retry: { maxAttempts: 5 } });
  const secrets: string[] = [];
  for await (const key of client.keys.list({ filter: { status: 'ACTIVE' }, pageSize: 50 })) {
    const k: ApiKey = key;
    const issued: IssuedKey = await client.keys.rotate({ id: k.id, gracePeriodSeconds: 3600 });
    if (isWellFormedKey(issued.secret)) secrets.push(issued.secret);
  }
  try {
    await client.keys.get('key_missing');
  } catch (error) {
    if (error instanceof NotFoundError) secrets.push(error.code);
    if (error instanceof ValidationError) secrets.push(error.fieldErrors[0]?.path.join('.') ?? '');
  }
  const verdict: VerifyResult = await client.verify({ key: secrets[0]!, scopes: ['tickets:read'] });
  // @ts-expect-error: the status filter is a closed set of values
  client.keys.list({ filter: { status: 'BOGUS' } });
  return verdict.valid ? secrets : [];
}
`,
  );
  await writeFile(
    path.join(outside, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM'], types: [], strict: true, noEmit: true, skipLibCheck: false },
      files: ['consumer.ts'],
    }),
  );
  const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: outside, timeoutMs: 120_000 });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.code).toBe(0);
}, PROCESS_TEST_TIMEOUT_MS);
