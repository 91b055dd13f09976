import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey } from '../harness/keys.ts';
import { verifySecret } from '../../src/domain/secrets.ts';

// A flood of cold verifications (new keys: the credential cache cannot help) against the real
// server on a port, real argon2, with a queue long enough never to fill: what refuses the excess
// is the bound on waiting time, and every answer comes soon after that bound.

const MAX_WAIT_MS = 200;
const FLOOD = 48;

let t: TestApp;
let tenant: TestTenant;
let server: Listening;
/** How long each real argon2 verification took. */
const argon2Ms: number[] = [];

beforeAll(async () => {
  t = await createTestApp({
    verification: {
      hashConcurrency: 1,
      hashQueueSize: 1_000,
      hashMaxWaitMs: MAX_WAIT_MS,
      failedAttemptsPerAddress: 10_000,
      verifySecret: async (hash, secret) => {
        const started = performance.now();
        try {
          return await verifySecret(hash, secret);
        } finally {
          argon2Ms.push(performance.now() - started);
        }
      },
    },
  });
  tenant = await createTenant(t.app, 'Flooded');
  server = await listen(t.app);
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

describe('argon2 wait bound under a flood of cold verifications', () => {
  it('refuses the excess with 503 and Retry-After once waiting would pass the bound, not the queue size', async () => {
    const keys = [];
    for (let i = 0; i < FLOOD; i++) keys.push(await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id }));
    const limiter = t.app.verification.verifier.hashLimiter;
    const refusalsBefore = { ...limiter.refusals };
    // Observed, not changed: how long each task waited in the limiter before it ran or was refused.
    const waits: { ms: number; ran: boolean }[] = [];
    const run = limiter.run.bind(limiter);
    limiter.run = <T>(task: () => Promise<T>) => {
      const queuedAt = performance.now();
      let ran = false;
      return run(() => {
        ran = true;
        waits.push({ ms: performance.now() - queuedAt, ran });
        return task();
      }).catch((error: unknown) => {
        if (!ran) waits.push({ ms: performance.now() - queuedAt, ran });
        throw error;
      });
    };

    const answers = await Promise.all(
      keys.map(async (k) => {
        const sent = performance.now();
        const response = await fetch(`http://127.0.0.1:${server.port}/v1/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.owner.token}` },
          body: JSON.stringify({ key: k.text }),
        });
        const body = await response.json();
        return { status: response.status, retryAfter: response.headers.get('retry-after'), body, ms: performance.now() - sent };
      }),
    );

    const refused = answers.filter((a) => a.status === 503);
    const valid = answers.filter((a) => a.status === 200);
    expect(refused.length + valid.length).toBe(FLOOD);
    expect(valid.every((a) => a.body.code === 'VALID')).toBe(true);
    expect(valid.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.retryAfter).toBe('1');
      expect(r.body.error.code).toBe('OVERLOADED');
    }
    // Every refusal came from the time bound: the queue (1,000) was never full.
    expect(limiter.refusals.queueFull - refusalsBefore.queueFull).toBe(0);
    expect(limiter.refusals.waitTooLong - refusalsBefore.waitTooLong).toBe(refused.length);
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
    // Operators see the same, by reason, on /metrics.
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(metrics).toContain(`keywarden_argon2_refused_total{reason="wait_too_long"} ${refused.length}`);
    expect(metrics).toContain('keywarden_argon2_refused_total{reason="queue_full"} 0');

    // Served one at a time, the flood's hashing alone would hold its last caller this long…
    const serialMs = (argon2Ms.reduce((sum, ms) => sum + ms, 0) / argon2Ms.length) * FLOOD;
    // …while no task waited for argon2 much beyond the bound, admitted or refused (the allowance is
    // for timers firing late on a loaded machine).
    expect(waits).toHaveLength(FLOOD);
    expect(waits.filter((w) => !w.ran)).toHaveLength(refused.length);
    const longestWait = Math.max(...waits.map((w) => w.ms));
    expect(longestWait).toBeLessThan(MAX_WAIT_MS + 2_000);
    const slowest = Math.max(...answers.map((a) => a.ms));
    console.info(
      `flood of ${FLOOD}: ${valid.length} verified, ${refused.length} refused; longest wait for argon2 ${Math.round(longestWait)} ms, ` +
        `slowest answer ${Math.round(slowest)} ms; argon2 mean ${Math.round(serialMs / FLOOD)} ms (all in series ${Math.round(serialMs)} ms)`,
    );
  });
});
