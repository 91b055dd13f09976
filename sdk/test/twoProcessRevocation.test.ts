// A revocation made here reaches a guard (with its verdict cache) running in another process
// within a second of the revoke call's answer, p99 over a dozen revocations.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient, type KeywardenClient } from '../src/index.ts';
import { startGuardProcess, type GuardProcess } from './helpers/guardProcess.ts';
import { startLiveServer, type LiveServer } from './helpers/liveServer.ts';
import { PROCESS_TEST_TIMEOUT_MS } from './helpers/process.ts';

const REVOCATIONS = 12;

let live: LiveServer;
let owner: KeywardenClient;
let guard: GuardProcess;

beforeAll(async () => {
  live = await startLiveServer();
  const tenant = await live.createTenant();
  owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
  await owner.scopes.create({ name: 'tickets:read' });
  const verifier = await owner.keys.create({ name: 'ticket-api', scopes: ['keys:verify'] });
  guard = await startGuardProcess(live.url, verifier.secret);
}, PROCESS_TEST_TIMEOUT_MS);
afterAll(async () => {
  guard?.close();
  await live?.close();
});

test(
  `${REVOCATIONS} revocations each reach a guard in another process within a second (p99)`,
  async () => {
    // Measured from the moment the revoke call answered (the revocation is committed and the
    // operator is told it is done) to the other process's refusal: the guard's own lag. The lag
    // from the start of the revoking transaction (its audit event's time) is printed beside it; on
    // a loaded machine it is mostly the transaction itself.
    const delays: number[] = [];
    const fromWrite: number[] = [];
    for (let i = 0; i < REVOCATIONS; i++) {
      const key = await owner.keys.create({ name: `client ${i}`, scopes: ['tickets:read'] });
      await guard.watch(key.secret);
      await owner.keys.revoke({ id: key.apiKey.id, reason: 'test' });
      const answered = Date.now();
      const refused = await guard.refused();
      const written = await live.harness.app.db.prisma.auditEvent.findFirstOrThrow({ where: { targetId: key.apiKey.id, action: 'key.revoked' } });
      delays.push(Math.max(0, refused - answered));
      fromWrite.push(refused - written.createdAt.getTime());
    }
    const p = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * q) - 1)]!;
    const p99 = p(delays, 0.99);
    console.log(
      `revocation delay across processes after the revoke call answered: p50 ${p(delays, 0.5)} ms, p99 ${p99} ms (${delays.join(', ')}); ` +
        `from the revoking transaction's start: p50 ${p(fromWrite, 0.5)} ms, p99 ${p(fromWrite, 0.99)} ms; load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
    );
    expect(p99).toBeLessThanOrEqual(1_000);
  },
  PROCESS_TEST_TIMEOUT_MS,
);
