// sdk/examples/provision-keys.ts, run as a script (its own process, importing `@keywarden/sdk`)
// against a live server: it creates a group, provisions the keys listed in services.json, prints
// each secret once, and uses one of the new keys to read the management API and verify the others.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient, isWellFormedKey } from '../src/index.ts';
import { startLiveServer, type LiveServer } from './helpers/liveServer.ts';
import { PROCESS_TEST_TIMEOUT_MS, run } from './helpers/process.ts';

const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));
let live: LiveServer;

beforeAll(async () => {
  live = await startLiveServer();
});
afterAll(async () => {
  await live?.close();
});

test('provision-keys.ts provisions a group of keys and uses one', async () => {
  const tenant = await live.createTenant();
  const script = () =>
    run(process.execPath, ['--conditions=keywarden-source', '--import', 'tsx', 'examples/provision-keys.ts', 'examples/services.json'], {
      cwd: SDK_DIR,
      env: { KEYWARDEN_URL: live.url, KEYWARDEN_TOKEN: tenant.owner.token },
    });
  const first = await script();
  expect(first.stderr).not.toMatch(/Error/);
  expect(first.code).toBe(0);

  const lines = first.stdout.trim().split('\n').map((line) => line.split('\t'));
  expect(lines.map(([service]) => service)).toEqual(['ticket-sync', 'nightly-report', 'key-auditor']);
  for (const [, secret] of lines) expect(isWellFormedKey(secret!)).toBe(true);
  expect(first.stderr).toContain('group partner-integrations: created');
  expect(first.stderr).toContain('scope tickets:write: created');
  expect(first.stderr).toContain('key-auditor sees 3 active keys in partner-integrations');
  expect(first.stderr).toContain('verify ticket-sync for tickets:read: VALID');
  expect(first.stderr).toContain('verify nightly-report for tickets:read: VALID');

  // What the script made, seen by the tenant's owner; no secret is ever shown again.
  const owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
  const [group] = await owner.groups.list({ filter: { search: 'partner-integrations' } }).toArray();
  expect(group).toMatchObject({ name: 'partner-integrations', keyCount: 3, ipRules: [{ cidr: '127.0.0.0/8' }] });
  const keys = await owner.keys.list({ filter: { groupId: group!.id } }).toArray();
  expect(keys.map((k) => k.name)).toEqual(['ticket-sync', 'nightly-report', 'key-auditor']);
  expect(JSON.stringify(keys)).not.toContain(lines[0]![1]);

  // Run again: scopes and the group are reused, three more keys are issued.
  const second = await script();
  expect(second.code).toBe(0);
  expect(second.stderr).toContain('group partner-integrations: exists');
  expect(second.stderr).toContain('key-auditor sees 6 active keys');
  expect(second.stdout).not.toContain(lines[0]![1]);
}, PROCESS_TEST_TIMEOUT_MS);

test('a mistyped key in KEYWARDEN_TOKEN is refused before anything is sent', async () => {
  const result = await run(process.execPath, ['--conditions=keywarden-source', '--import', 'tsx', 'examples/provision-keys.ts', 'examples/services.json'], {
    cwd: SDK_DIR,
    env: { KEYWARDEN_URL: live.url, KEYWARDEN_TOKEN: 'acme_pk_abcdefghij0123456789ABCDEFGHIJ0123456789abcdef' },
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/MalformedKeyError \(MALFORMED_KEY\)/);
}, PROCESS_TEST_TIMEOUT_MS);
