// The guard benchmark (`pnpm bench:guard` at the root): one node:http resource route served three
// ways in the same run — unguarded, guarded without cache, guarded with a warm verdict cache — and
// requests sent round-robin over keep-alive connections, so all three share the machine's noise.
// Then the revocation delay: a guard with its cache in another process, a revocation made here.
// Ends with `met`/`MISS` for warm overhead p50 ≤ 50 µs and revocation delay p99 ≤ 1 s.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { createClient, requireKey, type KeyGuard } from '../../src/index.ts';
import { startGuardProcess } from '../helpers/guardProcess.ts';
import { startLiveServer } from '../helpers/liveServer.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const REVOCATIONS = Number(process.env.BENCH_REVOCATIONS ?? 20);
const WARM_TARGET_US = 50;
const REVOCATION_TARGET_MS = 1_000;

const live = await startLiveServer();
const tenant = await live.createTenant();
const owner = createClient({ url: live.url, sessionToken: tenant.owner.token });
await owner.scopes.create({ name: 'tickets:read' });
const verifier = await owner.keys.create({ name: 'ticket-api', scopes: ['keys:verify'] });
const clientKey = (await owner.keys.create({ name: 'client', scopes: ['tickets:read'] })).secret;

const verifierClient = createClient({ url: live.url, apiKey: verifier.secret });
const uncached = requireKey({ client: verifierClient, scopes: ['tickets:read'] });
const cached = requireKey({ client: verifierClient, scopes: ['tickets:read'], cache: true });

const body = JSON.stringify({ tickets: [{ id: 1, title: 'printer on fire' }] });
function respond(res: http.ServerResponse): void {
  res.setHeader('content-type', 'application/json');
  res.end(body);
}
function serve(guard: KeyGuard | null): Promise<{ port: number; server: http.Server }> {
  const server = http.createServer((req, res) => (guard ? guard.node(req, res, () => respond(res)) : respond(res)));
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, server })));
}

const routes = [
  { name: 'unguarded', ...(await serve(null)) },
  { name: 'guarded, no cache', ...(await serve(uncached)) },
  { name: 'guarded, warm cache', ...(await serve(cached)) },
];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.get({ host: '127.0.0.1', port, path: '/v1/tickets', agent, headers: { authorization: `Bearer ${clientKey}` } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - start) / 1_000);
      });
    });
    req.on('error', reject);
  });
}

// The cache is warm once its stream is live and the key's verdict is kept.
const until = Date.now() + 30_000;
while (!(cached.cacheInfo()!.live && cached.cacheInfo()!.entries > 0)) {
  if (Date.now() > until) throw new Error('the verdict cache did not warm up within 30 s');
  await get(routes[2]!.port);
  await new Promise((resolve) => setTimeout(resolve, 10));
}

// Two rounds, each a guarded route against the unguarded one, alternating request by request. The
// uncached route runs apart: the Keywarden server it asks lives in this process, and its work after
// each answer would otherwise land on whichever request comes next.
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)]!;
async function measure(pair: [number, number]): Promise<{ p50: number; p99: number }[]> {
  const samples: number[][] = [[], []];
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    for (const [side, index] of pair.entries()) {
      const us = await get(routes[index]!.port);
      if (i >= WARMUP) samples[side]!.push(us);
    }
  }
  return samples.map((s) => {
    const sorted = [...s].sort((a, b) => a - b);
    return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
  });
}
const missesBefore = cached.cacheInfo()!.misses;
const [baseOfWarm, warm] = await measure([0, 2]);
const [baseOfUncached, uncachedStats] = await measure([0, 1]);

console.log(`guard benchmark: ${REQUESTS} requests per route (after ${WARMUP} warm-up), each guarded route alternating with the unguarded one, keep-alive, node ${process.version}`);
console.log('route                   p50 µs    p99 µs    overhead p50 µs   overhead p99 µs');
const row = (name: string, s: { p50: number; p99: number }, base?: { p50: number; p99: number }) => {
  const over = base ? [(s.p50 - base.p50).toFixed(0), (s.p99 - base.p99).toFixed(0)] : ['-', '-'];
  console.log(`${name.padEnd(22)}  ${s.p50.toFixed(0).padStart(6)}    ${s.p99.toFixed(0).padStart(6)}    ${over[0]!.padStart(15)}   ${over[1]!.padStart(15)}`);
};
row('unguarded', baseOfWarm!);
row('guarded, warm cache', warm!, baseOfWarm);
row('unguarded', baseOfUncached!);
row('guarded, no cache', uncachedStats!, baseOfUncached);
const info = cached.cacheInfo()!;
console.log(`warm cache: ${info.hits} hits, ${info.misses} misses (${info.misses - missesBefore} during the measured run)`);

// Revocation delay: the guard in another process, the revocation made here.
const child = await startGuardProcess(live.url, verifier.secret);
const delays: number[] = [];
try {
  for (let i = 0; i < REVOCATIONS; i++) {
    const key = await owner.keys.create({ name: `revoked ${i}`, scopes: ['tickets:read'] });
    await child.watch(key.secret);
    await owner.keys.revoke({ id: key.apiKey.id, reason: 'benchmark' });
    const refused = await child.refused();
    // From the revocation's write (its audit event, at or before the commit) to the other process's refusal.
    const written = await live.harness.app.db.prisma.auditEvent.findFirstOrThrow({ where: { targetId: key.apiKey.id, action: 'key.revoked' } });
    delays.push(refused - written.createdAt.getTime());
  }
} finally {
  child.close();
}
delays.sort((a, b) => a - b);
const delay = { p50: quantile(delays, 0.5), p99: quantile(delays, 0.99) };
console.log(`revocation delay to a guard in another process (${REVOCATIONS} revocations): p50 ${delay.p50} ms, p99 ${delay.p99} ms`);
console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${(await import('node:os')).availableParallelism()} cores)`);

const warmOverhead = warm!.p50 - baseOfWarm!.p50;
console.log(`warm overhead p50 ≤ ${WARM_TARGET_US} µs: ${warmOverhead <= WARM_TARGET_US ? 'met' : 'MISS'} (${warmOverhead.toFixed(0)} µs)`);
console.log(`revocation delay p99 ≤ ${REVOCATION_TARGET_MS} ms: ${delay.p99 <= REVOCATION_TARGET_MS ? 'met' : 'MISS'} (${delay.p99} ms)`);

cached.close();
agent.destroy();
for (const route of routes) route.server.close();
await live.close();
process.exit(0);
