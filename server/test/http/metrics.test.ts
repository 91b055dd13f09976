import http from 'node:http';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKey, parseKey } from '@keywarden/sdk/key-format';
import { generateSecret } from '../../src/domain/keyFormat.ts';
import { MAX_OPERATION_NAMES } from '../../src/observability/metrics.ts';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { documentedFetch } from '../harness/openapi.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';
import { createTestKey, type TestKey } from '../harness/keys.ts';

// GET /metrics over a real socket, read with a Prometheus text parser: verdicts by code and path,
// their latency, caches, argon2, throttles, GraphQL latency by (bounded) operation name, HTTP
// answers by status, invalidation listeners, usage writes and process metrics; the bearer guard;
// and no credential, key id or tenant id in any label.

const TOKEN = 'scrape-token-0123456789abcdef';

let t: TestApp;
let server: Listening;
let tenant: TestTenant;
/** The resource server's key (keys:verify). */
let caller: TestKey;
/** The key being verified. */
let target: TestKey;
/** An OAuth client. */
let client: TestKey;

beforeAll(async () => {
  // Usage is written only when a test flushes it, so the lag and pending counts are the test's.
  t = await createTestApp({ env: { KEYWARDEN_METRICS_TOKEN: TOKEN }, verification: { usageFlushIntervalMs: 3_600_000 } });
  server = await listen(t.app);
  tenant = await createTenant(t.app, 'Metrics');
  caller = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['keys:verify'] });
  target = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'] });
  client = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id, scopes: ['tickets:read'] });
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

const base = () => `http://127.0.0.1:${server.port}`;

async function scrapeText(token: string | null = TOKEN): Promise<Response> {
  return documentedFetch(`${base()}/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

/** Families by name; a name met more than once has its samples together. */
function byName(families: PrometheusFamily[]): Map<string, PrometheusFamily> {
  const map = new Map<string, PrometheusFamily>();
  for (const f of families) {
    const known = map.get(f.name);
    if (known === undefined) map.set(f.name, { ...f, metrics: [...f.metrics] });
    else known.metrics.push(...f.metrics);
  }
  return map;
}

class Scrape {
  /** Each metric family, with its type. */
  readonly families: Map<string, PrometheusFamily>;
  /**
   * Every series with all its labels. parse-prometheus-text-format 1.1.1 folds all the samples of a
   * histogram into one, keeping no label but `le`; read again with histograms declared untyped,
   * each `_bucket`, `_sum` and `_count` series keeps its labels.
   */
  readonly series: Map<string, PrometheusFamily>;
  constructor(readonly text: string) {
    this.families = byName(parsePrometheusTextFormat(text));
    this.series = byName(parsePrometheusTextFormat(text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped')));
  }

  family(name: string): PrometheusFamily {
    const family = this.families.get(name);
    if (family === undefined) throw new Error(`no metric ${name} in the scrape`);
    return family;
  }

  /** The sample of a counter or gauge whose labels include these; 0 when there is none yet. */
  value(name: string, labels: Record<string, string> = {}): number {
    const sample = this.family(name).metrics.find((m) => matches(m.labels, labels));
    return sample === undefined ? 0 : Number(sample.value);
  }

  /** A histogram's observation count for these labels; 0 when none yet. */
  count(name: string, labels: Record<string, string> = {}): number {
    expect(this.family(name).type).toBe('HISTOGRAM');
    return this.seriesValue(`${name}_count`, labels);
  }

  /** The value of a series (a histogram's `_bucket`, `_sum`, `_count`) with these labels; 0 when absent. */
  seriesValue(name: string, labels: Record<string, string>): number {
    const sample = this.series.get(name)?.metrics.find((m) => matches(m.labels, labels));
    return sample === undefined ? 0 : Number(sample.value);
  }

  /** The label sets of a histogram. */
  histogramLabels(name: string): Record<string, string>[] {
    return (this.series.get(`${name}_count`)?.metrics ?? []).map((m) => m.labels ?? {});
  }

  /** Every label value of every series. */
  labelValues(): string[] {
    return [...this.series.values()].flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
  }
}

function matches(actual: Record<string, string> | undefined, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => actual?.[k] === v);
}

async function scrape(): Promise<Scrape> {
  const response = await scrapeText();
  expect(response.status).toBe(200);
  return new Scrape(await response.text());
}

async function restVerify(body: unknown): Promise<any> {
  const response = await documentedFetch(`${base()}/v1/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.owner.token}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

async function graphql(query: string, variables: Record<string, unknown> = {}, operationName?: string, token: string | null = tenant.owner.token): Promise<any> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base()}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables, operationName }) });
  return { status: response.status, body: await response.json() };
}

async function issueToken(key: TestKey): Promise<Response> {
  return documentedFetch(`${base()}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${key.publicId}:${key.text}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
}

/** A GraphQL request on a connection of its own (so the key is proven, not reused from the connection). */
function graphqlOnNewConnection(query: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query });
    const request = http.request(
      { host: '127.0.0.1', port: server.port, path: '/graphql', method: 'POST', agent: false, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode!));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const VERIFY_QUERY = 'query CheckKey($input: VerifyInput!) { verify(input: $input) { valid code } }';

describe('GET /metrics', () => {
  it('counts verdicts by code and path, times them, and counts HTTP answers by route and status', async () => {
    const before = await scrape();

    expect((await restVerify({ key: target.text, scopes: ['tickets:read'] })).code).toBe('VALID');
    expect((await restVerify({ key: target.text, scopes: ['tickets:write'] })).code).toBe('INSUFFICIENT_SCOPES');
    expect((await restVerify({ key: 'kw_live_not-a-key' })).code).toBe('NOT_FOUND');
    const viaGraphQL = await graphql(VERIFY_QUERY, { input: { key: target.text, scopes: ['tickets:read'] } }, 'CheckKey');
    expect(viaGraphQL.body.data.verify).toEqual({ valid: true, code: 'VALID' });
    const token = await issueToken(client);
    expect(token.status).toBe(200);
    await token.arrayBuffer();

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => after.value(name, labels) - before.value(name, labels);
    const countDelta = (name: string, labels: Record<string, string>) => after.count(name, labels) - before.count(name, labels);

    const verifications = 'keywarden_verifications_total';
    expect(after.family(verifications).type).toBe('COUNTER');
    expect(delta(verifications, { path: 'rest', code: 'VALID' })).toBe(1);
    expect(delta(verifications, { path: 'rest', code: 'INSUFFICIENT_SCOPES' })).toBe(1);
    expect(delta(verifications, { path: 'rest', code: 'NOT_FOUND' })).toBe(1);
    expect(delta(verifications, { path: 'graphql', code: 'VALID' })).toBe(1);
    expect(delta(verifications, { path: 'oauth', code: 'VALID' })).toBe(1);
    // The callers were a member session and HTTP Basic client credentials: no key authenticated a caller.
    expect(delta(verifications, { path: 'auth' })).toBe(0);
    expect(delta('keywarden_verification_malformed_total')).toBe(1);

    const duration = 'keywarden_verification_duration_seconds';
    expect(countDelta(duration, { path: 'rest' })).toBe(3);
    expect(countDelta(duration, { path: 'graphql' })).toBe(1);
    expect(countDelta(duration, { path: 'oauth' })).toBe(1);
    expect(after.seriesValue(`${duration}_bucket`, { path: 'rest', le: '+Inf' })).toBe(after.count(duration, { path: 'rest' }));
    expect(after.seriesValue(`${duration}_sum`, { path: 'rest' })).toBeGreaterThan(0);

    // The target's secret was proven once with argon2 and then found in the cache; the client's proven once.
    expect(delta('keywarden_cache_misses_total', { cache: 'credential' })).toBe(2);
    expect(delta('keywarden_cache_hits_total', { cache: 'credential' })).toBe(1);
    expect(after.value('keywarden_cache_hits_total', { cache: 'record' })).toBeGreaterThan(0);

    const responses = 'keywarden_http_responses_total';
    expect(delta(responses, { route: 'verify', status: '200' })).toBe(3);
    expect(delta(responses, { route: 'graphql', status: '200' })).toBe(1);
    expect(delta(responses, { route: 'oauth_token', status: '200' })).toBe(1);
    // The first scrape's own answer was counted once it was written.
    expect(delta(responses, { route: 'metrics', status: '200' })).toBe(1);

    expect(countDelta('keywarden_graphql_request_duration_seconds', { operation: 'CheckKey' })).toBe(1);
  });

  it('counts a key that authenticates a caller under path auth, once per connection proof', async () => {
    const before = await scrape();
    expect(await graphqlOnNewConnection('{ viewer { kind } }', caller.text)).toBe(200);
    expect(await graphqlOnNewConnection('{ viewer { kind } }', 'kw_live_malformed')).toBe(401);
    const after = await scrape();
    const delta = (labels: Record<string, string>) => after.value('keywarden_verifications_total', labels) - before.value('keywarden_verifications_total', labels);
    expect(delta({ path: 'auth', code: 'VALID' })).toBe(1);
    expect(delta({ path: 'auth', code: 'NOT_FOUND' })).toBe(1);
    expect(after.value('keywarden_http_responses_total', { route: 'graphql', status: '401' }) - before.value('keywarden_http_responses_total', { route: 'graphql', status: '401' })).toBe(1);
  });

  it('counts answers given through Yoga as well as the node:http fast path, and unknown paths as `other`', async () => {
    const before = await scrape();
    // Through Yoga's fetch (as other hosts serve it), not the server's request listener.
    const unauthenticated = await t.fetch('/v1/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unauthenticated.status).toBe(401);
    await unauthenticated.arrayBuffer();
    const unknown = await fetch(`${base()}/no/such/path?key=${encodeURIComponent(target.text)}`);
    expect(unknown.status).toBe(404);
    await unknown.arrayBuffer();
    const after = await scrape();
    const delta = (labels: Record<string, string>) => after.value('keywarden_http_responses_total', labels) - before.value('keywarden_http_responses_total', labels);
    expect(delta({ route: 'verify', status: '401' })).toBe(1);
    expect(delta({ route: 'other', status: '404' })).toBe(1);
  });

  it('counts refusals by the failed-attempt throttle', async () => {
    const victim = await createTestKey(t.app, tenant.id, { ownerId: tenant.owner.id });
    // A well-formed key with the victim's public id and another secret: each guess costs a hash until throttled.
    const parsed = parseKey(victim.text);
    if (!parsed.ok) throw new Error('unparsable test key');
    const guess = formatKey(parsed.prefix, victim.publicId, generateSecret());
    const before = await scrape();
    let throttled = 0;
    let notFound = 0;
    for (let i = 0; i < t.app.verification.options.failedAttemptsPerKey + 1; i++) {
      const verdict = await restVerify({ key: guess });
      if (verdict.code === 'RATE_LIMITED') throttled++;
      else if (verdict.code === 'NOT_FOUND') notFound++;
    }
    const after = await scrape();
    expect(throttled).toBeGreaterThan(0);
    expect(after.value('keywarden_throttle_refusals_total', { throttle: 'failed_attempts' }) - before.value('keywarden_throttle_refusals_total', { throttle: 'failed_attempts' })).toBe(throttled);
    expect(after.value('keywarden_verifications_total', { path: 'rest', code: 'RATE_LIMITED' }) - before.value('keywarden_verifications_total', { path: 'rest', code: 'RATE_LIMITED' })).toBe(throttled);
    expect(after.value('keywarden_verifications_total', { path: 'rest', code: 'NOT_FOUND' }) - before.value('keywarden_verifications_total', { path: 'rest', code: 'NOT_FOUND' })).toBe(notFound);
    for (const throttle of ['failed_attempts', 'rate_limit', 'login']) expect(after.family('keywarden_throttle_refusals_total').metrics.some((m) => m.labels?.throttle === throttle)).toBe(true);
  });

  it('reports the usage write lag, the invalidation listener, argon2 and process metrics', async () => {
    await t.app.verification.usage.flush();
    expect((await restVerify({ key: target.text })).code).toBe('VALID');
    const pending = await scrape();
    expect(pending.value('keywarden_usage_pending_keys')).toBe(1);
    expect(pending.value('keywarden_usage_flush_lag_seconds')).toBeGreaterThan(0);

    await t.app.verification.usage.flush();
    const flushed = await scrape();
    expect(flushed.value('keywarden_usage_pending_keys')).toBe(0);
    expect(flushed.value('keywarden_usage_flush_lag_seconds')).toBe(0);
    expect(flushed.value('keywarden_usage_flushed_uses_total') - pending.value('keywarden_usage_flushed_uses_total')).toBe(1);
    expect(flushed.value('keywarden_usage_flush_failures_total')).toBe(0);

    const transport = t.app.db.kind;
    expect(flushed.family('keywarden_invalidation_listener_connected').metrics).toEqual([{ labels: { transport }, value: '1' }]);
    expect(flushed.value('keywarden_invalidation_listener_reconnects_total', { transport })).toBe(0);
    expect(flushed.family('keywarden_argon2_in_flight').type).toBe('GAUGE');
    expect(flushed.value('keywarden_argon2_in_flight')).toBe(0);
    expect(flushed.value('keywarden_argon2_queued')).toBe(0);
    expect(flushed.value('keywarden_argon2_refused_total', { reason: 'queue_full' })).toBe(0);
    expect(flushed.value('keywarden_argon2_refused_total', { reason: 'wait_too_long' })).toBe(0);

    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(flushed.families.has(name), name).toBe(true);
    }
    expect(flushed.value('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('bounds the operation-name label: at most 100 names, then `other`; `anonymous` without one', async () => {
    for (let i = 0; i < 150; i++) {
      const name = `Op${i}`;
      expect((await graphql(`query ${name} { __typename }`, {}, name, null)).body.data).toEqual({ __typename: 'Query' });
    }
    // Not a GraphQL name of at most 64 characters: `other` even while there is room.
    const long = `Q${'x'.repeat(64)}`;
    await graphql(`query ${long} { __typename }`, {}, long, null);
    await graphql('{ __typename }', {}, undefined, null);
    // No operationName sent: the document's only operation names it.
    await graphql('query FromDocument { __typename }', {}, undefined, null);

    const after = await scrape();
    const operations = after.histogramLabels('keywarden_graphql_request_duration_seconds').map((l) => l.operation!);
    expect(new Set(operations).size).toBe(operations.length);
    expect(operations.length).toBeLessThanOrEqual(MAX_OPERATION_NAMES + 2);
    expect(operations).toContain('other');
    expect(operations).toContain('anonymous');
    expect(operations).not.toContain(long);
    // CheckKey (earlier) and Op0… took the places; FromDocument came after the last one.
    expect(operations.filter((o) => !['other', 'anonymous'].includes(o))).toHaveLength(MAX_OPERATION_NAMES);
    expect(after.count('keywarden_graphql_request_duration_seconds', { operation: 'Op0' })).toBe(1);
    expect(after.count('keywarden_graphql_request_duration_seconds', { operation: 'other' })).toBeGreaterThanOrEqual(150 - (MAX_OPERATION_NAMES - 1) + 2);
  });

  it('has no key text, secret, public id, key id or tenant id in any label or anywhere in the text', async () => {
    const after = await scrape();
    const values = after.labelValues();
    expect(values.length).toBeGreaterThan(0);
    for (const secret of [target.text, target.secret, target.publicId, target.id, client.text, client.publicId, client.id, caller.text, caller.id, tenant.id, tenant.owner.token, TOKEN]) {
      expect(values.filter((v) => v.includes(secret))).toEqual([]);
      expect(after.text).not.toContain(secret);
    }
  });
});

describe('the metrics token', () => {
  it('answers 401 with a Bearer challenge without the token or with another; 200 with it', async () => {
    const none = await scrapeText(null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="keywarden-metrics"');
    expect(await none.text()).not.toContain('keywarden_');

    const wrong = await scrapeText(`${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="keywarden-metrics", error="invalid_token"');
    expect(await wrong.text()).not.toContain('keywarden_');

    const basic = await fetch(`${base()}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
    await basic.arrayBuffer();

    const right = await scrapeText();
    expect(right.status).toBe(200);
    expect(right.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(right.headers.get('x-request-id')).toBeTruthy();
    const families = parsePrometheusTextFormat(await right.text());
    expect(families.find((f) => f.name === 'keywarden_verification_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(families.find((f) => f.name === 'keywarden_argon2_queued')?.type).toBe('GAUGE');
  });

  it('counts the refused scrapes as 401 answers', async () => {
    const before = await scrape();
    await (await scrapeText('wrong-token-0123456789')).arrayBuffer();
    const after = await scrape();
    const labels = { route: 'metrics', status: '401' };
    expect(after.value('keywarden_http_responses_total', labels) - before.value('keywarden_http_responses_total', labels)).toBe(1);
  });

  it('answers other methods with 405', async () => {
    const response = await fetch(`${base()}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    await response.arrayBuffer();
  });
});

describe('another configuration', () => {
  it('serves /metrics without a token when none is set, and not at all with KEYWARDEN_METRICS=false', async () => {
    const open = await createTestApp({ db: t.app.db });
    const off = await createTestApp({ db: t.app.db, env: { KEYWARDEN_METRICS: 'false' } });
    try {
      // Its own registry: this app has verified nothing, and timed only its own GraphQL request,
      // named by the document's only operation since no operationName was sent.
      expect((await open.graphql('query FromDocument { __typename }')).data).toEqual({ __typename: 'Query' });
      const served = await open.fetch('/metrics');
      expect(served.status).toBe(200);
      const scraped = new Scrape(await served.text());
      expect(scraped.family('keywarden_verifications_total').metrics).toEqual([]);
      expect(scraped.histogramLabels('keywarden_graphql_request_duration_seconds')).toEqual([{ operation: 'FromDocument' }]);
      const absent = await off.fetch('/metrics');
      expect(absent.status).toBe(404);
      await absent.arrayBuffer();
    } finally {
      await open.close();
      await off.close();
    }
  });

  it('counts argon2 work in flight, queued and refused', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const limited = await createTestApp({
      db: t.app.db,
      verification: {
        hashConcurrency: 1,
        hashQueueSize: 1,
        verifySecret: async () => {
          started();
          await held;
          return false;
        },
      },
    });
    try {
      const keys = await Promise.all([0, 1, 2].map(() => createTestKey(limited.app, tenant.id, { ownerId: tenant.owner.id })));
      const verify = (key: TestKey) =>
        limited.app.verification.verify({ credential: { kind: 'text', text: key.text }, path: 'rest', tenantId: tenant.id, ip: null, throttleAddress: '192.0.2.1', endpoint: undefined, requiredScopes: [] });
      const first = verify(keys[0]!);
      await running;
      const second = verify(keys[1]!);
      await expect(verify(keys[2]!)).rejects.toThrow(/capacity/);
      const scraped = new Scrape(await (await limited.fetch('/metrics')).text());
      expect(scraped.value('keywarden_argon2_in_flight')).toBe(1);
      expect(scraped.value('keywarden_argon2_queued')).toBe(1);
      expect(scraped.value('keywarden_argon2_refused_total', { reason: 'queue_full' })).toBe(1);
      expect(scraped.value('keywarden_argon2_refused_total', { reason: 'wait_too_long' })).toBe(0);
      expect(scraped.value('keywarden_verifications_total', { path: 'rest', code: 'OVERLOADED' })).toBe(1);
      release();
      expect((await first).code).toBe('NOT_FOUND');
      expect((await second).code).toBe('NOT_FOUND');
      const done = new Scrape(await (await limited.fetch('/metrics')).text());
      expect(done.value('keywarden_argon2_in_flight')).toBe(0);
      expect(done.value('keywarden_argon2_queued')).toBe(0);
    } finally {
      release();
      await limited.close();
    }
  });
});
