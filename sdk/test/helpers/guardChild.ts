// A resource server's guard in a process of its own (for the two-process revocation test and the
// guard benchmark): `tsx guardChild.ts <keywarden url> <verifier key>`. Reads JSON lines on stdin,
// `{"watch": "<key text>"}`: asks until the key's verdict is served from memory, answers
// `{"warm": true}`, then checks the key every millisecond (from memory, no round trip) until it is
// refused, and answers `{"refused": <epoch ms>}`.
import { createInterface } from 'node:readline';
import { createClient, requireKey, type GuardRequest } from '../../src/index.ts';

const [url, verifierKey] = process.argv.slice(2) as [string, string];
const guard = requireKey({ client: createClient({ url, apiKey: verifierKey }), scopes: ['tickets:read'], cache: true });
const request = (key: string): GuardRequest => ({
  method: 'GET',
  path: '/v1/tickets/1',
  header: (name) => (name === 'authorization' ? `Bearer ${key}` : null),
  ip: '203.0.113.7',
});
const send = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

for await (const line of createInterface({ input: process.stdin })) {
  const { watch } = JSON.parse(line) as { watch: string };
  for (;;) {
    const hits = guard.cacheInfo()!.hits;
    const decision = await guard.authorize(request(watch));
    if (!decision.ok) {
      send({ error: `refused while warming: ${decision.code}` });
      break;
    }
    if (guard.cacheInfo()!.hits > hits) break;
    await tick();
  }
  send({ warm: true });
  while ((await guard.authorize(request(watch))).ok) await tick();
  send({ refused: Date.now() });
}
guard.close();
