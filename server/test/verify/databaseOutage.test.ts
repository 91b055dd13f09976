import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';
import { formatKey } from '@keywarden/sdk/key-format';
import { generatePublicId, generateSecret } from '../../src/domain/keyFormat.ts';
import type { VerificationOptions } from '../../src/services/verification/index.ts';

// POST /v1/verify, the GraphQL verify field and POST /oauth/token while the database goes away
// under load: every answer is a verdict (200) or the documented refusal (503, SERVICE_UNAVAILABLE
// or temporarily_unavailable, with Retry-After); never a 500, never VALID for a key that is not.
// On PostgreSQL the server's connections are terminated, then refused (ALLOW_CONNECTIONS false),
// then allowed again, and verification must recover. PGlite has no connections to terminate: the
// equivalent is closing the embedded database, which cannot be reopened under a running app, so
// there the recovery step does not apply.

const POSTGRES_URL = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Bounds of every wait below: generous for a loaded machine, never a fixed sleep. */
const WAIT_MS = 30_000;

type Kind = 'valid' | 'revoked' | 'unknown' | 'gqlRevoked' | 'gqlUnknown' | 'token';
const KINDS: Kind[] = ['valid', 'revoked', 'unknown', 'gqlRevoked', 'gqlUnknown', 'token'];

interface Answer {
  kind: Kind;
  status: number;
  retryAfter: string | null;
  body: any;
  /** Sequence number of the answer, to tell what came after an event. */
  n: number;
}

interface Setup {
  t: TestApp;
  served: Listening;
  tenant: TestTenant;
  valid: TestKey;
  revoked: TestKey;
  /** The resource server's own key (keys:verify). */
  caller: TestKey;
  keyPrefix: string;
}

let open: Setup | undefined;
afterEach(async () => {
  const s = open;
  open = undefined;
  await s?.served.close();
  await s?.t.close();
});

async function setUp(verification: Partial<VerificationOptions>): Promise<Setup> {
  const t = await createTestApp({ verification });
  const tenant = await createTenant(t.app, 'Outage');
  const valid = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'] });
  const revoked = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'], status: 'REVOKED' });
  const caller = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
  const { keyPrefix } = await t.app.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
  const served = await listen(t.app);
  open = { t, served, tenant, valid, revoked, caller, keyPrefix };
  return open;
}

/** Sends requests of every kind from a few concurrent clients and records each answer. */
class Stream {
  readonly answers: Answer[] = [];
  private stopped = false;
  private readonly waiters = new Set<() => void>();
  private readonly workers: Promise<void>[] = [];

  constructor(private readonly s: Setup, clients: number, private readonly maxAnswers: number) {
    for (let i = 0; i < clients; i++) this.workers.push(this.run(i));
  }

  private async run(offset: number): Promise<void> {
    for (let i = offset; !this.stopped && this.answers.length < this.maxAnswers; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const answer = await send(this.s, kind);
      this.answers.push({ ...answer, n: this.answers.length });
      for (const wake of this.waiters) wake();
    }
  }

  /** Resolves once `condition` holds over the answers so far; fails after WAIT_MS or when the stream ends. */
  until(what: string, condition: (answers: Answer[]) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (condition(this.answers)) done(resolve);
        else if (this.stopped || this.answers.length >= this.maxAnswers) done(() => reject(new Error(`the stream ended before: ${what}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`not within ${WAIT_MS} ms: ${what}`))), WAIT_MS);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
    for (const wake of this.waiters) wake();
  }
}

const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const unknownKey = (s: Setup) => formatKey(s.keyPrefix, generatePublicId(), generateSecret());

async function send(s: Setup, kind: Kind): Promise<Omit<Answer, 'n'>> {
  const base = `http://127.0.0.1:${s.served.port}`;
  const auth = { authorization: `Bearer ${s.caller.text}` };
  let response: Response;
  if (kind === 'valid' || kind === 'revoked' || kind === 'unknown') {
    const key = kind === 'valid' ? s.valid.text : kind === 'revoked' ? s.revoked.text : unknownKey(s);
    // A new end-client address each time: no failed-attempt throttle answers in the database's place.
    response = await fetch(`${base}/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ key, ip: randomIp() }) });
  } else if (kind === 'token') {
    const basic = Buffer.from(`${s.valid.publicId}:${s.valid.secret}`).toString('base64');
    response = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: 'grant_type=client_credentials',
    });
  } else {
    const key = kind === 'gqlRevoked' ? s.revoked.text : unknownKey(s);
    response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ query: 'query ($input: VerifyInput!) { verify(input: $input) { valid code } }', variables: { input: { key, ip: randomIp() } } }),
    });
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text: the assertions below then fail with it in view
  }
  return { kind, status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

/** The documented refusal of each endpoint when the database cannot be reached. */
function isRefusal(a: Answer): boolean {
  if (a.status !== 503 || a.retryAfter !== '1') return false;
  if (a.kind === 'token') return a.body?.error === 'temporarily_unavailable' && typeof a.body.error_description === 'string';
  if (a.kind === 'gqlRevoked' || a.kind === 'gqlUnknown') {
    const error = a.body?.errors?.[0];
    return a.body?.errors?.length === 1 && error?.extensions?.code === 'SERVICE_UNAVAILABLE' && error.extensions.retryAfter === 1 && typeof error.extensions.requestId === 'string';
  }
  const error = a.body?.error;
  return error?.code === 'SERVICE_UNAVAILABLE' && error.retryAfter === 1 && typeof error.requestId === 'string' && typeof error.message === 'string';
}

/** The verdict a key of this kind may get: never VALID unless the key is valid. */
function verdict(a: Answer): { valid: boolean; code: string } | null {
  if (a.status !== 200) return null;
  if (a.kind === 'token') return typeof a.body?.access_token === 'string' ? { valid: true, code: 'TOKEN' } : null;
  const v = a.kind === 'gqlRevoked' || a.kind === 'gqlUnknown' ? a.body?.data?.verify : a.body;
  return v && typeof v.valid === 'boolean' && typeof v.code === 'string' ? { valid: v.valid, code: v.code } : null;
}

const EXPECTED: Record<Kind, string> = { valid: 'VALID', revoked: 'REVOKED', unknown: 'NOT_FOUND', gqlRevoked: 'REVOKED', gqlUnknown: 'NOT_FOUND', token: 'TOKEN' };

/** Every answer is the right verdict or the documented refusal; returns how many of each. */
function checkAnswers(answers: Answer[]): { verdicts: number; refusals: number } {
  const wrong = answers.filter((a) => {
    if (isRefusal(a)) return false;
    const v = verdict(a);
    return v === null || v.code !== EXPECTED[a.kind] || v.valid !== (a.kind === 'valid' || a.kind === 'token');
  });
  // Shown whole on failure: status, kind and body of each wrong answer.
  expect(wrong.slice(0, 5)).toEqual([]);
  const refusals = answers.filter(isRefusal).length;
  return { verdicts: answers.length - refusals, refusals };
}

/** Every kind of request has been answered without a verdict (checkAnswers then says whether each was the refusal). */
function failingKinds(answers: Answer[]): boolean {
  const failing = new Set(answers.filter((a) => verdict(a) === null).map((a) => a.kind));
  return KINDS.every((k) => failing.has(k));
}

function unexpectedErrorLines(t: TestApp): string[] {
  return t.logs.lines.filter((line) => /"msg":"unexpected error|"msg":"verify route failed/.test(line));
}

async function adminClient(): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  return admin;
}


/** Every answer of the stream was a verdict or the documented refusal (some of each), never a 500 or an unexpected error line; returns the refusals. */
function expectOnlyVerdictsAndRefusals(s: { t: TestApp }, stream: Stream): number {
  const { verdicts, refusals } = checkAnswers(stream.answers);
  expect(refusals).toBeGreaterThan(0);
  expect(verdicts).toBeGreaterThan(0);
  expect(stream.answers.filter((a) => a.status === 500)).toEqual([]);
  expect(unexpectedErrorLines(s.t)).toEqual([]);
  return refusals;
}

describe('verification while the database is unreachable', () => {
  it.runIf(POSTGRES_URL)('PostgreSQL: terminated, then refused, then restored connections: 200 or 503 throughout, then VALID again', async () => {
    // Nothing cached: every verification reads the database.
    const s = await setUp({ recordCacheSize: 0 });
    const dbName = new URL(s.t.app.db.url!).pathname.slice(1);
    const admin = await adminClient();
    const terminate = () => admin.query('SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()) x', [dbName]);
    const stream = new Stream(s, 4, 20_000);
    try {
      await stream.until('20 answers', (a) => a.length >= 20);
      // Connections killed under load, five times, with answers flowing in between.
      for (let round = 0; round < 5; round++) {
        await terminate();
        const at = stream.answers.length;
        await stream.until(`answers after termination ${round + 1}`, (a) => a.length >= at + 12);
      }
      // Then no connection at all for a while.
      await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
      await terminate();
      const cutAt = stream.answers.length;
      await stream.until('every endpoint failing while connections are refused', (a) => failingKinds(a.slice(cutAt)));
      await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
      const restoredAt = stream.answers.length;
      await stream.until('VALID again once connections are allowed', (a) => a.slice(restoredAt).some((x) => x.kind === 'valid' && verdict(x)?.code === 'VALID'));
      await stream.stop();

      const refusals = expectOnlyVerdictsAndRefusals(s, stream);
      // The outage was logged, not once per refusal.
      const outageLines = s.t.logs.lines.filter((l) => l.includes('the database cannot be reached'));
      expect(outageLines.length).toBeGreaterThan(0);
      expect(outageLines.length).toBeLessThan(refusals);
    } finally {
      await stream.stop();
      await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.end();
    }

    // Recovered: each endpoint answers as before the outage.
    for (const kind of KINDS) {
      const answer = { ...(await send(s, kind)), n: -1 };
      expect({ kind, status: answer.status, verdict: verdict(answer)?.code }).toEqual({ kind, status: 200, verdict: EXPECTED[kind] });
    }
  }, 120_000);

  it.runIf(!POSTGRES_URL)('PGlite: the embedded database closed under load: 200 or 503, never 500 (no recovery: a closed PGlite cannot reopen)', async () => {
    const s = await setUp({ recordCacheSize: 0 });
    const stream = new Stream(s, 4, 20_000);
    try {
      await stream.until('24 answers', (a) => a.length >= 24 && KINDS.every((k) => a.some((x) => x.kind === k && verdict(x) !== null)));
      await s.t.app.db.pglite!.close();
      const cutAt = stream.answers.length;
      await stream.until('every endpoint failing once the database is closed', (a) => failingKinds(a.slice(cutAt)));
    } finally {
      await stream.stop();
    }
    expectOnlyVerdictsAndRefusals(s, stream);
  }, 120_000);

  it('a verdict the warm cache can make still answers while the database is away', async () => {
    // Invalidations over Redis: the cache stays trusted while PostgreSQL (or PGlite) is gone.
    const s = await setUp({ redisUrl: REDIS_URL, redisPrefix: `kwtest-outage-${process.pid}-${randomBytes(3).toString('hex')}` });
    const warm = await send(s, 'valid');
    expect(verdict({ ...warm, n: 0 })).toEqual({ valid: true, code: 'VALID' });
    const revokedWarm = await send(s, 'revoked');
    expect(verdict({ ...revokedWarm, n: 0 })?.code).toBe('REVOKED');

    let restore = async () => {};
    if (POSTGRES_URL) {
      const admin = await adminClient();
      const dbName = new URL(s.t.app.db.url!).pathname.slice(1);
      await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
      restore = async () => {
        await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
        await admin.end();
      };
    } else {
      await s.t.app.db.pglite!.close();
    }
    try {
      // The database is away: a key not cached is refused with 503…
      const cold = { ...(await send(s, 'unknown')), n: 0 };
      expect(isRefusal(cold)).toBe(true);
      // …while the cached verdicts still answer, the same as before.
      for (let i = 0; i < 5; i++) {
        expect(verdict({ ...(await send(s, 'valid')), n: 0 })).toEqual({ valid: true, code: 'VALID' });
        expect(verdict({ ...(await send(s, 'revoked')), n: 0 })).toEqual({ valid: false, code: 'REVOKED' });
      }
    } finally {
      await restore();
    }
  }, 60_000);
});
