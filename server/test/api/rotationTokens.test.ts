import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/domain/keyFormat.ts';
import { hashSecret, sha256Hex } from '../../src/domain/secrets.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, verifyKey, type TestKey } from '../harness/keys.ts';

// A rotation ends the access tokens issued from the secret it replaces: at once without a grace
// period, when the grace ends with one. Two app instances on one database stand for two servers;
// they share a clock that the tests move (fixture sessions live one real hour, so it starts now
// and moves by minutes).

const START = Math.floor(Date.now() / 1000) * 1000;
let nowMs = START;
const at = (secondsFromStart: number) => { nowMs = START + secondsFromStart * 1000; };
const clock = () => new Date(nowMs);

let a: TestApp;
let b: TestApp;
let tenant: TestTenant;
let verifier: TestKey;

beforeAll(async () => {
  a = await createTestApp({ clock });
  b = await createTestApp({ clock, db: a.app.db });
  tenant = await createTenant(a.app, 'Rotating');
  verifier = await createTestKey(a.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});
beforeEach(() => { nowMs = START; });

const ROTATE = `mutation($input: RotateKeyInput!) { rotateKey(input: $input) { __typename ... on RotateKeyPayload { key clientId } } }`;

const newClient = () => createTestKey(a.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:read'] });

/** POST /oauth/token on `t` with client_secret_post; the JSON answer. */
async function tokenFor(t: TestApp, clientId: string, clientSecret: string): Promise<{ status: number; body: any }> {
  const response = await t.fetch('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
  });
  return { status: response.status, body: await response.json() };
}

async function issued(t: TestApp, clientId: string, clientSecret: string): Promise<{ token: string; expiresIn: number }> {
  const { status, body } = await tokenFor(t, clientId, clientSecret);
  expect(status, JSON.stringify(body)).toBe(200);
  return { token: body.access_token, expiresIn: body.expires_in };
}

async function rotate(key: TestKey, gracePeriodSeconds?: number): Promise<string> {
  const answer = await a.graphql(ROTATE, { input: { id: key.id, gracePeriodSeconds } }, { token: tenant.owner.token });
  expect(answer.data?.rotateKey.__typename, answer.body).toBe('RotateKeyPayload');
  return answer.data.rotateKey.key;
}

/** The token's verdict at POST /v1/verify, and its answer as a management-API caller. */
async function standing(t: TestApp, token: string): Promise<{ verdict: string; caller: number }> {
  const verdict = await verifyKey(t, verifier.text, { key: token });
  const caller = await t.graphql('{ viewer { kind } }', {}, { token });
  return { verdict: verdict.body.code, caller: caller.status };
}

const ACCEPTED = { verdict: 'VALID', caller: 200 };

/** Polls until `condition` holds (an instance hearing another's invalidation); fails after 10 s. */
async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const start = performance.now();
  while (!(await condition())) {
    if (performance.now() - start > 10_000) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function rotationEvent(key: TestKey) {
  const events = await a.app.db.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, targetId: key.id, action: 'key.rotated' }, orderBy: { seq: 'asc' } });
  return events.at(-1)!;
}

describe('rotateKey without a grace period', () => {
  it("revokes the old secret's tokens at once, on this instance and the other; tokens of the new secret work", async () => {
    const key = await newClient();
    const old = await issued(a, key.publicId, key.text);
    // Both instances have proved (and cached) the token.
    expect(await standing(a, old.token)).toEqual(ACCEPTED);
    expect(await standing(b, old.token)).toEqual(ACCEPTED);

    const newText = await rotate(key);
    expect(await standing(a, old.token)).toEqual({ verdict: 'REVOKED', caller: 401 });
    await until(async () => (await verifyKey(b, verifier.text, { key: old.token })).body.code !== 'VALID', 'the other instance refuses the token');
    expect(await standing(b, old.token)).toEqual({ verdict: 'REVOKED', caller: 401 });
    const row = await a.app.db.prisma.accessToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(old.token) } });
    expect(row.revokedAt?.getTime()).toBe(START);

    // The old secret gets no new token; the new one does, and it works everywhere.
    expect((await tokenFor(a, key.publicId, key.text)).body.error).toBe('invalid_client');
    const fresh = await issued(a, key.publicId, newText);
    expect(fresh.expiresIn).toBe(86_400);
    expect(await standing(a, fresh.token)).toEqual(ACCEPTED);
    expect(await standing(b, fresh.token)).toEqual(ACCEPTED);

    const event = await rotationEvent(key);
    expect(event.changes).toMatchObject({ gracePeriodSeconds: 0, oauthAccess: { revoked: 1 } });
    expect(JSON.stringify(event)).not.toContain(old.token);
  });
});

describe('rotateKey with a grace period', () => {
  it("the old secret's tokens, issued before or during the grace, work until it ends and are refused from then on, everywhere", async () => {
    const key = await newClient();
    const before = await issued(a, key.publicId, key.text);
    expect(await standing(b, before.token)).toEqual(ACCEPTED); // cached on the other instance

    at(10);
    const received = b.app.verification.invalidation.received;
    const newText = await rotate(key, 300); // the grace ends at 310 s
    await until(() => b.app.verification.invalidation.received > received, 'the other instance hears of the rotation');

    at(20);
    const during = await issued(b, key.publicId, key.text);
    expect(during.expiresIn).toBe(290);
    const fresh = await issued(b, key.publicId, newText);
    expect(fresh.expiresIn).toBe(86_400);

    const rows = await a.app.db.prisma.accessToken.findMany({ where: { apiKeyId: key.id }, orderBy: { createdAt: 'asc' } });
    const expiry = (token: string) => rows.find((r) => r.tokenHash === sha256Hex(token))!.expiresAt.getTime();
    expect([expiry(before.token), expiry(during.token)]).toEqual([START + 310_000, START + 310_000]);
    expect(expiry(fresh.token)).toBe(START + 20_000 + 86_400_000);

    at(309);
    for (const t of [a, b]) {
      for (const token of [before.token, during.token, fresh.token]) expect(await standing(t, token)).toEqual(ACCEPTED);
    }
    at(310);
    for (const t of [a, b]) {
      for (const token of [before.token, during.token]) expect(await standing(t, token)).toEqual({ verdict: 'EXPIRED', caller: 401 });
      expect(await standing(t, fresh.token)).toEqual(ACCEPTED);
    }
    expect((await tokenFor(a, key.publicId, key.text)).body.error).toBe('invalid_client');

    expect((await rotationEvent(key)).changes).toMatchObject({ gracePeriodSeconds: 300, oauthAccess: { revoked: 0, cutToGraceEnd: 1 } });
  });

  it("rotating again during a grace ends the older secret's tokens at once, and gives the replaced secret's the new grace", async () => {
    const key = await newClient();
    const first = await issued(a, key.publicId, key.text);
    const secondText = await rotate(key, 300);
    at(10);
    const second = await issued(a, key.publicId, secondText);
    const thirdText = await rotate(key, 600); // the grace of the second secret ends at 610 s
    expect(await standing(a, first.token)).toEqual({ verdict: 'REVOKED', caller: 401 });
    at(609);
    expect(await standing(a, second.token)).toEqual(ACCEPTED);
    at(610);
    expect(await standing(a, second.token)).toEqual({ verdict: 'EXPIRED', caller: 401 });
    expect(await standing(a, (await issued(a, key.publicId, thirdText)).token)).toEqual(ACCEPTED);
    expect((await rotationEvent(key)).changes).toMatchObject({ oauthAccess: { revoked: 1, cutToGraceEnd: 1 } });
  });
});

describe('a rotation between proving the secret and writing the token', () => {
  // The instance has proved the old secret and still holds it (the rotation's invalidation has not
  // arrived): what the database says when the token is written decides.
  async function rotatedUnheard(key: TestKey, graceEndsAt: Date | null): Promise<void> {
    const stored = await a.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    await a.app.db.prisma.apiKey.update({
      where: { id: key.id },
      data: {
        secretHash: await hashSecret(generateSecret(), a.app.config.argon2),
        previousSecretHash: graceEndsAt ? stored.secretHash : null,
        previousSecretExpiresAt: graceEndsAt,
        secretVersion: { increment: 1 },
      },
    });
  }

  it('without a grace, the token is refused', async () => {
    const key = await newClient();
    await issued(a, key.publicId, key.text); // the key and its secret are now cached
    await rotatedUnheard(key, null);
    const before = await a.app.db.prisma.accessToken.count({ where: { apiKeyId: key.id } });
    expect(await tokenFor(a, key.publicId, key.text)).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } });
    expect(await a.app.db.prisma.accessToken.count({ where: { apiKeyId: key.id } })).toBe(before);
  });

  it('within a grace, the token ends with the grace', async () => {
    const key = await newClient();
    await issued(a, key.publicId, key.text);
    await rotatedUnheard(key, new Date(START + 120_000));
    expect((await issued(a, key.publicId, key.text)).expiresIn).toBe(120);
  });
});


describe.skipIf(!process.env.TEST_DATABASE_URL)('a rotation committing while a token is being issued (PostgreSQL)', () => {
  it("the issue waits for the rotation's lock on the key, then refuses the rotated-out secret", async () => {
    const key = await newClient();
    await issued(a, key.publicId, key.text); // the key and its secret are now cached
    const rotation = new pg.Client({ connectionString: a.app.db.url! });
    const observer = new pg.Client({ connectionString: a.app.db.url! });
    await Promise.all([rotation.connect(), observer.connect()]);
    try {
      // A rotation holding the key's row, as rotateKey's transaction does until it commits.
      await rotation.query('BEGIN');
      await rotation.query('UPDATE "ApiKey" SET "secretVersion" = "secretVersion" + 1, "secretHash" = $2 WHERE "id" = $1', [key.id, await hashSecret(generateSecret(), a.app.config.argon2)]);
      const pending = tokenFor(a, key.publicId, key.text);
      await until(async () => {
        const { rows } = await observer.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM \"ApiKey\"%FOR SHARE%'",
        );
        return rows[0].n > 0;
      }, 'the token request waits for the lock');
      await rotation.query('COMMIT');
      expect(await pending).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } });
    } finally {
      await Promise.all([rotation.end(), observer.end()]);
    }
  });
});
