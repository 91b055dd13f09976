// The SDK as a user gets it: built (ESM + .d.ts), packed with `pnpm pack`, installed with npm into a
// folder outside the workspace (its dependencies from the registry), then imported by a plain .mjs
// script that creates a tenant, logs in, provisions a key and uses it against a live server; and
// type-checked from a TypeScript file through the package's `exports` map.
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLiveServer, type LiveServer } from './helpers/liveServer.ts';
import { PROCESS_TEST_TIMEOUT_MS, run } from './helpers/process.ts';

const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const OLDEST_TYPESCRIPT = '5.0.4';
const GUARDS = ['express', 'hono', 'fastify', 'fetch', 'node'];
/** The frameworks the guards' declarations refer to, linked from the workspace (no registry download). */
const FRAMEWORK_TYPES = ['express', '@types/express', 'hono', 'fastify'];
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
  // TypeScript 5.0 beside the tarball: the oldest release the declarations are promised to.
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `./${tarball}`, `typescript@${OLDEST_TYPESCRIPT}`], { cwd: outside, timeoutMs: 150_000 });
  expect(install.stderr).not.toMatch(/ERR!/);
  expect(install.code).toBe(0);
  for (const name of FRAMEWORK_TYPES) {
    await mkdir(path.dirname(path.join(outside, 'node_modules', name)), { recursive: true });
    await symlink(await realpath(path.join(SDK_DIR, 'node_modules', name)), path.join(outside, 'node_modules', name), 'dir');
  }
}, 300_000);

afterAll(async () => {
  await live?.close();
  if (outside) await rm(outside, { recursive: true, force: true });
});

test('the packed tarball holds the build, not the sources or tests', async () => {
  const listing = await run('tar', ['tzf', (await readdir(outside)).find((f) => f.endsWith('.tgz'))!], { cwd: outside });
  const files = listing.stdout.trim().split('\n');
  expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/keyFormat.js', 'package/dist/graphql.js', 'package/dist/graphql.d.ts', 'package/README.md']));
  expect(files).toEqual(expect.arrayContaining(GUARDS.flatMap((g) => [`package/dist/guards/${g}.js`, `package/dist/guards/${g}.d.ts`])));
  expect(files.some((f) => /\/(src|test|examples)\//.test(f))).toBe(false);
  expect(files).toContain('package/LICENSE');
});

test('the published manifest is installable: a license, ranges, graphql as a peer, ESM and CommonJS conditions', async () => {
  const manifest = JSON.parse(await readFile(path.join(outside, 'node_modules/@keywarden/sdk/package.json'), 'utf8'));
  expect(manifest.private).toBeUndefined();
  expect(manifest.license).toBe('MIT');
  expect(Object.values(manifest.dependencies as Record<string, string>).every((range) => range.startsWith('^'))).toBe(true);
  expect(manifest.dependencies.graphql).toBeUndefined();
  expect(manifest.peerDependencies).toMatchObject({ graphql: '^16.8.1' });
  // The frameworks are optional peers: installing the SDK never pulls one in.
  for (const name of FRAMEWORK_TYPES) expect(manifest.peerDependenciesMeta[name]).toEqual({ optional: true });
  expect(Object.keys(manifest.peerDependencies).filter((name) => !manifest.peerDependenciesMeta?.[name]?.optional)).toEqual(['graphql']);
  for (const entry of ['.', ...GUARDS.map((g) => `./${g}`)]) expect(Object.keys(manifest.exports[entry])).toEqual(['types', 'import', 'require', 'default']);
  // Declarations import the built .js files, never sources the package does not hold.
  const declarations = await readFile(path.join(outside, 'node_modules/@keywarden/sdk/dist/index.d.ts'), 'utf8');
  expect(declarations).toContain("from './client.js'");
  expect(declarations).not.toMatch(/from '\.{1,2}\/[^']+\.ts'/);
});

test('a CommonJS TypeScript project type-checks (strict, NodeNext) and its compiled script runs against a live server', async () => {
  const cjs = path.join(outside, 'cjs');
  await mkdir(cjs, { recursive: true });
  await writeFile(path.join(cjs, 'package.json'), JSON.stringify({ name: 'consumer-cjs', private: true, type: 'commonjs' }));
  await writeFile(
    path.join(cjs, 'index.ts'),
    `
import { asId, createClient, NotFoundError, type Tenant } from '@keywarden/sdk';
import { isWellFormedKey } from '@keywarden/sdk/key-format';
import { withKey } from '@keywarden/sdk/fetch';
import { keywarden } from '@keywarden/sdk/hono';

// No @types/node in this project: what the script uses of Node, declared.
declare const process: { env: Record<string, string | undefined>; exit(code: number): never };

async function main(): Promise<void> {
  const platform = createClient({ url: process.env.KEYWARDEN_URL!, platformToken: process.env.KEYWARDEN_PLATFORM_TOKEN! });
  const slug = 'cjs-' + Date.now().toString(36);
  const tenant: Tenant = await platform.tenants.create({ name: 'CommonJS', slug, keyPrefix: 'cjs' });
  let missing = '';
  try {
    await platform.tenants.get(asId('ten', 'ten_' + '0'.repeat(26)));
  } catch (error) {
    missing = error instanceof NotFoundError ? error.code : String(error);
  }
  const guards = [typeof withKey, typeof keywarden({ client: platform })];
  console.log(JSON.stringify({ slug: tenant.slug, missing, wellFormed: isWellFormedKey('not a key'), guards }));
}
main().catch((error) => { console.error(error); process.exit(1); });
`,
  );
  await writeFile(
    path.join(cjs, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM'], types: [], strict: true, skipLibCheck: false, outDir: 'out' }, files: ['index.ts'] }),
  );
  const compiled = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: cjs, timeoutMs: 120_000 });
  expect(compiled.stdout + compiled.stderr).toBe('');
  expect(compiled.code).toBe(0);
  // Emitted as CommonJS: require() of the package (Node >= 20.19 loads its ES modules).
  expect(await readFile(path.join(cjs, 'out/index.js'), 'utf8')).toContain('require("@keywarden/sdk")');
  expect(await readFile(path.join(cjs, 'out/index.js'), 'utf8')).toContain('require("@keywarden/sdk/hono")');
  const result = await run(process.execPath, ['out/index.js'], { cwd: cjs, env: { KEYWARDEN_URL: live.url, KEYWARDEN_PLATFORM_TOKEN: live.platformToken } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual({ slug: expect.stringMatching(/^cjs-/), missing: 'NOT_FOUND', wellFormed: false, guards: ['function', 'function'] });
}, PROCESS_TEST_TIMEOUT_MS);

test('a plain .mjs script outside the repository provisions a key against a live server', async () => {
  await writeFile(
    path.join(outside, 'provision.mjs'),
    `
import { createClient, isWellFormedKey, ConflictError, KeywardenError } from '@keywarden/sdk';
import { parseKey } from '@keywarden/sdk/key-format';
import { withKey } from '@keywarden/sdk/fetch';
import { graphql, schemaSDL } from '@keywarden/sdk/graphql';

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

const KeyName = graphql('query KeyName($id: ID!) { apiKey(id: $id) { name createdAt } }');
const custom = (await owner.request(KeyName, { id: apiKey.id })).apiKey;

let conflict = null;
try { await platform.tenants.create({ name: 'Again', slug }); } catch (error) { conflict = error instanceof ConflictError && error instanceof KeywardenError ? error.code : String(error); }
// The Fetch guard from the package, verifying the key against the server.
const { secret: verifierKey } = await owner.keys.create({ name: 'verifier', scopes: ['keys:verify'] });
const route = withKey((request, verdict) => Response.json({ valid: verdict.valid }), { client: createClient({ url, apiKey: verifierKey }), scopes: ['keys:read'] });
const guarded = [await route(new Request('http://api.test/x', { headers: { authorization: 'Bearer ' + secret } })), await route(new Request('http://api.test/x'))].map((r) => r.status);
const subpaths = [];
for (const name of ${JSON.stringify(GUARDS)}) subpaths.push(typeof (await import('@keywarden/sdk/' + name)).keywarden);
console.log(JSON.stringify({ tenant: tenant.slug, keyId: apiKey.id, wellFormed: isWellFormedKey(secret), prefix: parseKey(secret).prefix, listed: listed.map((k) => k.id), conflict, guarded, subpaths, custom: { name: custom.name, date: custom.createdAt instanceof Date }, schema: schemaSDL.includes('type ApiKey') }));
`,
  );
  const result = await run(process.execPath, ['provision.mjs'], {
    cwd: outside,
    env: { KEYWARDEN_URL: live.url, KEYWARDEN_PLATFORM_TOKEN: live.platformToken },
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const output = JSON.parse(result.stdout);
  expect(output).toMatchObject({ tenant: expect.stringMatching(/^outside-/), wellFormed: true, prefix: 'out', conflict: 'CONFLICT', custom: { name: 'from-outside', date: true }, schema: true });
  expect(output.listed).toEqual([output.keyId]);
  expect(output.guarded).toEqual([200, 401]);
  // withKey is the Fetch guard's export; the others export `keywarden`.
  expect(output.subpaths).toEqual(GUARDS.map((g) => (g === 'fetch' ? 'undefined' : 'function')));
}, PROCESS_TEST_TIMEOUT_MS);

test('the declarations type-check a TypeScript consumer through the exports map', async () => {
  await writeFile(
    path.join(outside, 'consumer.ts'),
    `
import { createClient, NotFoundError, ValidationError, type ApiKey, type IssuedKey, type VerifyResult } from '@keywarden/sdk';
import { isWellFormedKey } from '@keywarden/sdk/key-format';
import { graphql, schema, type ApiKeyStatus } from '@keywarden/sdk/graphql';

const KeyStatus = graphql<{ apiKey: { status: ApiKeyStatus; expiresAt: Date | null } | null }, { id: string }>(
  'query KeyStatus($id: ID!) { apiKey(id: $id) { status expiresAt } }',
);
export async function keyStatus(url: string, sessionToken: string, id: string): Promise<ApiKeyStatus | undefined> {
  schema().getType('ApiKey');
  return (await createClient({ url, sessionToken }).request(KeyStatus, { id })).apiKey?.status;
}

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
  // The same consumer with the oldest TypeScript the declarations support.
  const oldest = await run(process.execPath, [path.join(outside, 'node_modules/typescript/bin/tsc'), '--version'], { cwd: outside });
  expect(oldest.stdout.trim()).toBe(`Version ${OLDEST_TYPESCRIPT}`);
  const withOldest = await run(process.execPath, [path.join(outside, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: outside, timeoutMs: 120_000 });
  expect(withOldest.stdout + withOldest.stderr).toBe('');
  expect(withOldest.code).toBe(0);
}, PROCESS_TEST_TIMEOUT_MS);

test('the guards type-check in a strict NodeNext consumer with each framework', async () => {
  await writeFile(
    path.join(outside, 'guards.ts'),
    `
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { createClient, type VerifyResult } from '@keywarden/sdk';
import { keywarden as expressGuard } from '@keywarden/sdk/express';
import { keywarden as fastifyGuard } from '@keywarden/sdk/fastify';
import { withKey } from '@keywarden/sdk/fetch';
import { keywarden as honoGuard } from '@keywarden/sdk/hono';

const client = createClient({ url: 'http://keywarden.test', apiKey: 'kw_x' });
const app = express();
app.get('/t', expressGuard({ client, trustedProxies: ['10.0.0.0/8'] }), (req, res) => { res.json({ valid: req.keywarden?.valid }); });
const hono = new Hono().get('/t', honoGuard({ client }), (c) => c.json({ valid: c.get('keywarden').valid }));
const fastify = Fastify();
void fastify.register(fastifyGuard, { client });
fastify.get('/t', async (request) => ({ valid: request.keywarden?.valid }));
export const GET = withKey(async (_request, verdict: VerifyResult) => Response.json({ valid: verdict.valid }), { client });
export { hono };
`,
  );
  await writeFile(
    path.join(outside, 'tsconfig.guards.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM'], types: [], strict: true, noEmit: true, skipLibCheck: true },
      files: ['guards.ts'],
    }),
  );
  const result = await run(process.execPath, [TSC, '-p', 'tsconfig.guards.json'], { cwd: outside, timeoutMs: 120_000 });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.code).toBe(0);
}, PROCESS_TEST_TIMEOUT_MS);
