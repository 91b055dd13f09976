import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKey } from '@keywarden/sdk/key-format';
import { loadConfig } from '../../src/config.ts';
import { generateSecret } from '../../src/domain/keyFormat.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';
import { useTestApp } from '../harness/useTestApp.ts';
import { expectNoSecretsInAudit } from '../audit/support.ts';

// Leaked-key reports: GitHub's secret-scanning partner program at POST /v1/leaks/github (reports
// signed with ECDSA P-256 keys made here, the public keys in a file of GitHub's format), and the
// reportLeakedKey mutation. Each key text reported is remembered, to check it never appears in a
// response, a log line or the audit trail.

function ecKey() {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}
const github = ecKey();
const rotated = ecKey();
const stranger = ecKey();
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

const dir = mkdtempSync(path.join(tmpdir(), 'keywarden-leaks-'));
const keysFile = path.join(dir, 'public_keys.json');
function writeKeys(keys: { id: string; key: KeyObject; current: boolean }[]): void {
  writeFileSync(keysFile, JSON.stringify({ public_keys: keys.map((k) => ({ key_identifier: k.id, key: pem(k.key), is_current: k.current })) }));
}
writeKeys([{ id: 'gh-1', key: github.publicKey, current: true }]);

const t = useTestApp({ env: { KEYWARDEN_SECRET_SCANNING_KEYS_FILE: keysFile } });
const reported: string[] = [];

let tenant: TestTenant;
let other: TestTenant;
let resourceServer: TestKey;

beforeAll(async () => {
  tenant = await createTenant(t.app, 'Leaky');
  other = await createTenant(t.app, 'Other');
  resourceServer = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
});

afterAll(async () => {
  const logs = t.logs.text();
  for (const text of reported) expect(logs.includes(text), 'a reported key text in the logs').toBe(false);
  await expectNoSecretsInAudit(t.app, reported);
});

async function liveKey(tenantOf: TestTenant = tenant): Promise<TestKey> {
  const key = await createTestKey(t.app, tenantOf.id, { ownerId: tenantOf.owner.id });
  reported.push(key.text, key.secret);
  return key;
}

function signature(body: string | Buffer, key: KeyObject = github.privateKey): string {
  return sign('sha256', Buffer.from(body), { key, dsaEncoding: 'der' }).toString('base64');
}

interface ReportOptions {
  id?: string | null;
  sig?: string | null;
  key?: KeyObject;
  app?: Pick<TestApp, 'fetch'>;
}

/** A report as GitHub sends it: the raw body signed with `key` (GitHub's by default). */
async function report(body: string, options: ReportOptions = {}): Promise<{ status: number; text: string; json: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const id = options.id === undefined ? 'gh-1' : options.id;
  const sig = options.sig === undefined ? signature(body, options.key) : options.sig;
  if (id !== null) headers['GITHUB-PUBLIC-KEY-IDENTIFIER'] = id;
  if (sig !== null) headers['GITHUB-PUBLIC-KEY-SIGNATURE'] = sig;
  const response = await (options.app ?? t).fetch('/v1/leaks/github', { method: 'POST', headers, body });
  const text = await response.text();
  for (const secret of reported) expect(text.includes(secret), 'a key text in the answer').toBe(false);
  return { status: response.status, text, json: text ? JSON.parse(text) : null };
}

const match = (token: string, url = 'https://github.com/octo/repo/blob/abc/config.env') => ({ token, type: 'keywarden_api_key', url, source: 'content' });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function verify(key: TestKey, app: Pick<TestApp, 'fetch'> = t): Promise<{ valid: boolean; code: string }> {
  const response = await app.fetch('/v1/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${resourceServer.text}` },
    body: JSON.stringify({ key: key.text }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

/** Asks until the key is refused; the milliseconds that took (Infinity: still valid after 2 s). */
async function msUntilRefused(key: TestKey, app: Pick<TestApp, 'fetch'> = t): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < 2_000) {
    if (!(await verify(key, app)).valid) return performance.now() - start;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return Infinity;
}

/** The key's audit events, but the usage flush's key.used_from_new_network (written whenever its timer runs). */
async function events(keyId: string) {
  return t.app.db.prisma.auditEvent.findMany({ where: { targetId: keyId, action: { not: 'key.used_from_new_network' } }, orderBy: { seq: 'asc' } });
}

/** Every event in the trail, but the usage flush's key.used_from_new_network (its timer writes them for earlier tests' keys whenever it runs). */
function auditedByRequests(): Promise<number> {
  return t.app.db.prisma.auditEvent.count({ where: { action: { not: 'key.used_from_new_network' } } });
}

async function setPolicy(policy: 'REVOKE' | 'DISABLE' | 'NOTIFY', of: TestTenant = tenant): Promise<void> {
  const response = await t.graphql(
    'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { __typename ... on TenantPayload { tenant { leakedKeyPolicy } } } }',
    { input: { id: of.id, leakedKeyPolicy: policy } },
    { token: of.owner.token },
  );
  expect(response.data?.updateTenant?.tenant?.leakedKeyPolicy, response.body).toBe(policy);
}

describe('POST /v1/leaks/github', () => {
  it('revokes a reported live key (the default policy), audits it, answers true_positive, and the key stops verifying within 1 s', async () => {
    const key = await liveKey();
    expect((await verify(key)).valid).toBe(true);
    const body = JSON.stringify([match(key.text)]);
    const answer = await report(body);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual([{ token_hash: sha256(key.text), token_type: 'keywarden_api_key', label: 'true_positive' }]);
    expect(await msUntilRefused(key)).toBeLessThan(1_000);
    expect((await verify(key)).code).toBe('REVOKED');

    const audit = await events(key.id);
    expect(audit.map((e) => [e.action, e.actorType])).toEqual([['key.leaked', 'SYSTEM'], ['key.revoked', 'SYSTEM']]);
    expect(audit[0]!.changes).toMatchObject({ reportedBy: 'github', url: match(key.text).url, type: 'keywarden_api_key', source: 'content', policy: 'REVOKE', matched: 'current' });
    expect(audit[1]!.changes).toMatchObject({ status: { before: 'ACTIVE', after: 'REVOKED' }, leaked: true });

    // The same report again: the same answer, nothing more changed or audited.
    const again = await report(body);
    expect(again.json).toEqual(answer.json);
    expect(await events(key.id)).toHaveLength(2);
  });

  it('answers false_positive for texts that are not live keys, and changes nothing', async () => {
    const key = await liveKey();
    const wrongSecret = formatKey('kw', key.publicId, generateSecret());
    const unknown = formatKey('kw', 'pk_doesnotexist123', generateSecret());
    const badChecksum = key.text.slice(0, -1) + (key.text.endsWith('A') ? 'B' : 'A');
    reported.push(wrongSecret, unknown, badChecksum);
    const tokens = [wrongSecret, unknown, badChecksum, 'kw_not_a_key', key.text.slice(0, 20)];
    const answer = await report(JSON.stringify(tokens.map((token) => match(token))));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual(tokens.map((token) => ({ token_hash: sha256(token), token_type: 'keywarden_api_key', label: 'false_positive' })));
    expect((await verify(key)).valid).toBe(true);
    expect(await events(key.id)).toEqual([]);
  });

  it('answers each match of a mixed report in order, about those matches only', async () => {
    const [a, b] = [await liveKey(), await liveKey()];
    const decoy = formatKey('kw', b.publicId, generateSecret());
    reported.push(decoy);
    const answer = await report(JSON.stringify([match(decoy), match(a.text)]));
    expect(answer.json.map((l: any) => l.label)).toEqual(['false_positive', 'true_positive']);
    expect(answer.json).toHaveLength(2);
    expect((await verify(b)).valid).toBe(true);
    expect((await verify(a)).code).toBe('REVOKED');
  });

  it('refuses a report without a valid signature, before reading it: the key still verifies and nothing is audited', async () => {
    const key = await liveKey();
    const body = JSON.stringify([match(key.text)]);
    const auditBefore = await auditedByRequests();
    const cases: [string, ReportOptions][] = [
      ['no headers', { id: null, sig: null }],
      ['no signature', { sig: null }],
      ['no identifier', { id: null }],
      ['an unknown key identifier', { id: 'gh-unknown' }],
      ["another key's signature", { key: stranger.privateKey }],
      ['a signature that is not base64 DER', { sig: 'not-a-signature!' }],
      ['a signature of another body', { sig: signature(JSON.stringify([match(key.text, 'https://elsewhere.test')])) }],
    ];
    for (const [name, options] of cases) {
      const answer = await report(body, options);
      expect(answer.status, name).toBe(401);
      expect(answer.json.error.code, name).toBe('UNAUTHENTICATED');
    }
    expect((await verify(key)).valid).toBe(true);
    expect(await auditedByRequests()).toBe(auditBefore);
    expect(await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).toMatchObject({ status: 'ACTIVE' });
  });

  it('answers 400 to a signed body that is not a report, 405 to other methods', async () => {
    for (const body of ['{not json', '{"token": "x"}', '[]', '[{"type": "x"}]', '"text"']) {
      const answer = await report(body);
      expect(answer.status, body).toBe(400);
      expect(answer.json.error.code).toBe('BAD_REQUEST');
    }
    const big = JSON.stringify([match('x'.repeat(300_000))]);
    expect((await report(big)).status).toBe(400);
    const get = await t.fetch('/v1/leaks/github');
    expect(get.status).toBe(405);
  });

  it('reads the keys file again when it changes: a report signed with a newly added key is accepted', async () => {
    const key = await liveKey();
    const body = JSON.stringify([match(key.text)]);
    expect((await report(body, { id: 'gh-2', key: rotated.privateKey })).status).toBe(401);
    writeKeys([{ id: 'gh-1', key: github.publicKey, current: false }, { id: 'gh-2', key: rotated.publicKey, current: true }]);
    const answer = await report(body, { id: 'gh-2', key: rotated.privateKey });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json[0].label).toBe('true_positive');
    // A file that turns bad keeps the keys read before.
    writeFileSync(keysFile, '{"public_keys": "broken"}');
    expect((await report(JSON.stringify([match(key.text, 'https://x.test/2')]), { id: 'gh-2', key: rotated.privateKey })).status).toBe(200);
    writeKeys([{ id: 'gh-1', key: github.publicKey, current: true }]);
  });

  describe('the tenant policy', () => {
    let policyTenant: TestTenant;
    beforeAll(async () => {
      policyTenant = await createTenant(t.app, 'Policies');
    });

    it('DISABLE disables the key (audited as key.disabled)', async () => {
      await setPolicy('DISABLE', policyTenant);
      const key = await liveKey(policyTenant);
      const answer = await report(JSON.stringify([match(key.text)]));
      expect(answer.json[0].label).toBe('true_positive');
      const stored = await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
      expect(stored.status).toBe('DISABLED');
      expect((await events(key.id)).map((e) => e.action)).toEqual(['key.leaked', 'key.disabled']);
    });

    it('NOTIFY changes nothing but the audit trail', async () => {
      await setPolicy('NOTIFY', policyTenant);
      const key = await liveKey(policyTenant);
      const answer = await report(JSON.stringify([match(key.text)]));
      expect(answer.json[0].label).toBe('true_positive');
      expect((await t.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).status).toBe('ACTIVE');
      const audit = await events(key.id);
      expect(audit.map((e) => e.action)).toEqual(['key.leaked']);
      expect(audit[0]!.changes).toMatchObject({ policy: 'NOTIFY' });
      // Found at another place: audited again; the same place again: not.
      await report(JSON.stringify([match(key.text, 'https://gist.github.com/x/1')]));
      await report(JSON.stringify([match(key.text, 'https://gist.github.com/x/1')]));
      expect((await events(key.id)).map((e) => e.action)).toEqual(['key.leaked', 'key.leaked']);
    });

    it('is read and changed through updateTenant, audited as tenant.updated; REVOKE is the default', async () => {
      const fresh = await createTenant(t.app, 'Fresh');
      const read = await t.graphql('{ tenant { leakedKeyPolicy } }', {}, { token: fresh.owner.token });
      expect(read.data?.tenant?.leakedKeyPolicy).toBe('REVOKE');
      await setPolicy('NOTIFY', fresh);
      const event = await t.app.db.prisma.auditEvent.findFirstOrThrow({ where: { tenantId: fresh.id, action: 'tenant.updated' } });
      expect(event.changes).toMatchObject({ leakedKeyPolicy: { before: 'REVOKE', after: 'NOTIFY' } });
      const bad = await t.graphql('mutation { updateTenant(input: { id: "' + fresh.id + '", leakedKeyPolicy: BURN }) { __typename } }', {}, { token: fresh.owner.token });
      expect(bad.errors?.length).toBeGreaterThan(0);
    });
  });

  it('reaches a second instance on the same database: the key stops verifying there within 1 s', async () => {
    const second = await createTestApp({ db: t.app.db, env: { KEYWARDEN_SECRET_SCANNING_KEYS_FILE: keysFile } });
    try {
      const key = await liveKey();
      // Warm the second instance's caches with the key.
      expect((await verify(key, second)).valid).toBe(true);
      expect((await verify(key, second)).valid).toBe(true);
      const answer = await report(JSON.stringify([match(key.text)]));
      expect(answer.json[0].label).toBe('true_positive');
      const ms = await msUntilRefused(key, second);
      console.log(`leaked key refused by the second instance after ${ms.toFixed(1)} ms`);
      expect(ms).toBeLessThan(1_000);
    } finally {
      await second.close();
    }
  });
});

describe('reportLeakedKey', () => {
  const REPORT = `mutation($input: ReportLeakedKeyInput!) {
    reportLeakedKey(input: $input) {
      __typename
      ... on ReportLeakedKeyPayload { keyId policy status alreadyReported }
      ... on Error { code message }
    }
  }`;

  it("revokes the caller's tenant's key by its text, once; the text is not echoed", async () => {
    const key = await liveKey();
    const viewer = await tenant.addMember('VIEWER');
    const input = { key: key.text, url: 'https://chat.example.test/msg/1', note: `pasted ${key.text} in the team chat` };
    const first = await t.graphql(REPORT, { input }, { token: viewer.token });
    expect(first.data?.reportLeakedKey, first.body).toEqual({ __typename: 'ReportLeakedKeyPayload', keyId: key.id, policy: 'REVOKE', status: 'REVOKED', alreadyReported: false });
    expect(first.body.includes(key.text)).toBe(false);
    expect((await verify(key)).code).toBe('REVOKED');
    const audit = await events(key.id);
    expect(audit.map((e) => e.action)).toEqual(['key.leaked', 'key.revoked']);
    expect(audit[0]!.changes).toMatchObject({ reportedBy: 'member', url: input.url, note: 'pasted [key] in the team chat' });
    expect(audit[0]!.actorId).toBe(viewer.id);

    const again = await t.graphql(REPORT, { input }, { token: viewer.token });
    expect(again.data?.reportLeakedKey).toMatchObject({ alreadyReported: true, status: 'REVOKED' });
    expect(await events(key.id)).toHaveLength(2);
  });

  it("answers another tenant's key, a wrong secret, an unknown or malformed text alike (NOT_FOUND), changing nothing", async () => {
    const theirs = await liveKey(other);
    const mine = await liveKey();
    const wrong = formatKey('kw', mine.publicId, generateSecret());
    reported.push(wrong);
    const answers: { code: string; message: string }[] = [];
    for (const text of [theirs.text, wrong, formatKey('kw', 'pk_nobodyhere', generateSecret()), 'not a key']) {
      const response = await t.graphql(REPORT, { input: { key: text } }, { token: tenant.owner.token });
      expect(response.body.includes(text)).toBe(false);
      answers.push(response.data?.reportLeakedKey);
    }
    expect(answers.every((a) => a.code === 'NOT_FOUND' && a.message === answers[0]!.message), JSON.stringify(answers)).toBe(true);
    expect((await verify(mine)).valid).toBe(true);
    expect(await events(theirs.id)).toEqual([]);
    expect(await events(mine.id)).toEqual([]);
  });

  it('is refused without a credential', async () => {
    const key = await liveKey();
    const response = await t.graphql(REPORT, { input: { key: key.text } });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await verify(key)).valid).toBe(true);
  });
});

describe('KEYWARDEN_SECRET_SCANNING_KEYS_FILE', () => {
  it('stops the server at start when the file is missing or not a keys file', () => {
    expect(() => loadConfig({ KEYWARDEN_SECRET_SCANNING_KEYS_FILE: path.join(dir, 'missing.json') })).toThrow(/KEYWARDEN_SECRET_SCANNING_KEYS_FILE.*cannot be read/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ public_keys: [{ key_identifier: 'x', key: 'nope' }] }));
    expect(() => loadConfig({ KEYWARDEN_SECRET_SCANNING_KEYS_FILE: bad })).toThrow(/not a PEM public key/);
    const rsa = path.join(dir, 'rsa.json');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(rsa, JSON.stringify({ public_keys: [{ key_identifier: 'x', key: pem(publicKey) }] }));
    expect(() => loadConfig({ KEYWARDEN_SECRET_SCANNING_KEYS_FILE: rsa })).toThrow(/not an ECDSA P-256 key/);
  });

  it('unset: the route answers 503 SERVICE_UNAVAILABLE', async () => {
    const bare = await createTestApp({ db: t.app.db });
    try {
      const response = await bare.fetch('/v1/leaks/github', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
      expect(response.status).toBe(503);
      expect((await response.json()).error.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await bare.close();
    }
  });
});
