import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';

// The server's Prometheus metrics (GET /metrics): one prom-client Registry per App, never the
// global one (several apps live in one test process). Nothing a caller sends becomes a label but a
// GraphQL operation name, and those are bounded (see operationLabel); no key text, secret, public
// id, key id or tenant id is ever a label. Label sets are fixed by the code.
//
// The hot path (a verdict, an HTTP answer) increments a counter and observes a histogram with
// label objects made once; everything that already has a count or a state elsewhere (caches,
// argon2 limiter, throttles, invalidation listeners, usage writer) is read when scraped.

/** Where a verification was asked for. */
export type VerifyPath =
  /** POST /v1/verify */
  | 'rest'
  /** The GraphQL `verify` query */
  | 'graphql'
  /** The OAuth routes proving their client (the key) */
  | 'oauth'
  /** A key or access token presented to Keywarden's own APIs, authenticating the caller */
  | 'auth'
  /** /v1/forward-auth: a reverse proxy asking whether its client's request may pass */
  | 'forward_auth';

export const VERIFY_PATHS: readonly VerifyPath[] = ['rest', 'graphql', 'oauth', 'auth', 'forward_auth'];

/** What the metrics of the verification pipeline are told: the verdict's code, or why there was none. */
export interface VerificationMetrics {
  /** `code`: the verdict's code, or OVERLOADED / UNAVAILABLE / ERROR when none was given. */
  verified(path: VerifyPath, code: string, seconds: number): void;
}

/** The routes HTTP answers are counted by (a path no route has is `other`). */
export const HTTP_ROUTES: ReadonlyMap<string, string> = new Map([
  ['/v1/verify', 'verify'],
  ['/v1/forward-auth', 'forward_auth'],
  ['/v1/audit/export', 'audit_export'],
  ['/oauth/token', 'oauth_token'],
  ['/oauth/revoke', 'oauth_revoke'],
  ['/oauth/introspect', 'oauth_introspect'],
  ['/.well-known/oauth-authorization-server', 'oauth_metadata'],
  ['/graphql', 'graphql'],
  ['/healthz', 'healthz'],
  ['/readyz', 'readyz'],
  ['/metrics', 'metrics'],
  ['/openapi.json', 'openapi'],
]);

/** At most this many distinct operation names are labels; later new names are counted as `other`. */
export const MAX_OPERATION_NAMES = 100;
/** A GraphQL Name, at most 64 characters: anything else a caller calls an operation is `other`. */
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** What is read at scrape time from the components that keep their own counts and states. */
export interface ScrapeSources {
  /** argon2 verifications running and waiting now, and refused so far: the queue was full, or the wait too long. */
  argon2(): { inFlight: number; queued: number; refused: { queueFull: number; waitTooLong: number } };
  /** Hits and misses so far, by cache. */
  caches(): Readonly<Record<string, { hits: number; misses: number }>>;
  /** Requests refused so far, by throttle. */
  throttleRefusals(): Readonly<Record<string, number>>;
  /** Malformed credentials (length, characters, checksum) refused before any lookup. */
  malformed(): number;
  /** Each invalidation listener (transport), whether it is connected, and its reconnections so far. */
  invalidationListeners(): readonly { transport: string; connected: boolean; reconnects: number }[];
  /** Invalidations received from other instances so far. */
  invalidationsReceived(): number;
  usage(): { lagSeconds: number; pendingKeys: number; flushedUses: number; failedWrites: number };
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop, GC): on where metrics are served. */
  processMetrics: boolean;
}

const SECONDS_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class Metrics implements VerificationMetrics {
  readonly registry = new Registry();

  // The hot path's counts, in plain numbers: prom-client's own inc/observe validate the labels and
  // build a label hash string (and a bucket key from a float) on every call, about a hundred times
  // the cost of these. They are handed to the registry when scraped.
  /** Verifications by path, then by code. */
  private readonly verifications: Record<string, Map<string, Count>> = Object.fromEntries(VERIFY_PATHS.map((p) => [p, new Map()]));
  private readonly verifyDuration: Record<string, Buckets> = Object.fromEntries(VERIFY_PATHS.map((p) => [p, new Buckets(SECONDS_BUCKETS)]));
  /** HTTP answers by route, then by status (index; 0 for anything outside 100-599). */
  private readonly httpResponses = new Map<string, Float64Array>();
  /** GraphQL request time by operation label (bounded: see operationBuckets). */
  private readonly graphqlDuration = new Map<string, Buckets>();
  private readonly other = new Buckets(SECONDS_BUCKETS);
  private loginRefusals = 0;

  private sources: ScrapeSources | null = null;

  constructor(options: MetricsOptions) {
    this.graphqlDuration.set('anonymous', new Buckets(SECONDS_BUCKETS));
    const registers = [this.registry];
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });

    const verifications = this.verifications;
    new Counter({
      name: 'keywarden_verifications_total',
      help: 'Verifications by path (rest, graphql, oauth, auth) and outcome: the verdict code, or OVERLOADED, UNAVAILABLE, ERROR when none was given',
      labelNames: ['path', 'code'],
      registers,
      collect() {
        this.reset();
        for (const [path, byCode] of Object.entries(verifications)) for (const [code, count] of byCode) this.inc({ path, code }, count.n);
      },
    });
    registerHistogram(this.registry, 'keywarden_verification_duration_seconds', 'Time to a verdict (or to the refusal to give one), by path', () =>
      Object.entries(this.verifyDuration).filter(([, b]) => b.count > 0).map(([path, b]) => [{ path }, b]),
    );
    const httpResponses = this.httpResponses;
    new Counter({
      name: 'keywarden_http_responses_total',
      help: 'HTTP answers by route and status code',
      labelNames: ['route', 'status'],
      registers,
      collect() {
        this.reset();
        for (const [route, byStatus] of httpResponses) byStatus.forEach((n, status) => n > 0 && this.inc({ route, status: String(status) }, n));
      },
    });
    registerHistogram(
      this.registry,
      'keywarden_graphql_request_duration_seconds',
      `GraphQL requests, from arrival to the start of the answer, by operation name (anonymous without one; other beyond ${MAX_OPERATION_NAMES} names or for a name that is not a GraphQL name of at most 64 characters)`,
      () => [...this.graphqlDuration, ['other', this.other] as const].filter(([, b]) => b.count > 0).map(([operation, b]) => [{ operation }, b]),
    );

    const self = this;
    const read = <T>(pick: (s: ScrapeSources) => T): T | null => (self.sources === null ? null : pick(self.sources));
    new Counter({
      name: 'keywarden_cache_hits_total',
      help: 'Verification cache hits by cache (credential: a proven secret; record: a key record; token: an access token)',
      labelNames: ['cache'],
      registers,
      collect() {
        this.reset();
        for (const [cache, c] of Object.entries(read((s) => s.caches()) ?? {})) this.inc({ cache }, c.hits);
      },
    });
    new Counter({
      name: 'keywarden_cache_misses_total',
      help: 'Verification cache misses by cache',
      labelNames: ['cache'],
      registers,
      collect() {
        this.reset();
        for (const [cache, c] of Object.entries(read((s) => s.caches()) ?? {})) this.inc({ cache }, c.misses);
      },
    });
    new Gauge({
      name: 'keywarden_argon2_in_flight',
      help: 'argon2 verifications running now',
      registers,
      collect() {
        this.set(read((s) => s.argon2().inFlight) ?? 0);
      },
    });
    new Gauge({
      name: 'keywarden_argon2_queued',
      help: 'argon2 verifications waiting for a slot now',
      registers,
      collect() {
        this.set(read((s) => s.argon2().queued) ?? 0);
      },
    });
    new Counter({
      name: 'keywarden_argon2_refused_total',
      help: 'argon2 verifications refused (answered OVERLOADED / 503 / 429) by reason: queue_full, or wait_too_long (KEYWARDEN_HASH_MAX_WAIT_MS)',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        const refused = read((s) => s.argon2().refused) ?? { queueFull: 0, waitTooLong: 0 };
        this.inc({ reason: 'queue_full' }, refused.queueFull);
        this.inc({ reason: 'wait_too_long' }, refused.waitTooLong);
      },
    });
    new Counter({
      name: 'keywarden_throttle_refusals_total',
      help: "Requests refused by a throttle: failed_attempts (too many failed verifications per key or address), rate_limit (a key's own rate limit), login (too many failed password checks)",
      labelNames: ['throttle'],
      registers,
      collect() {
        this.reset();
        for (const [throttle, n] of Object.entries(read((s) => s.throttleRefusals()) ?? {})) this.inc({ throttle }, n);
        this.inc({ throttle: 'login' }, self.loginRefusals);
      },
    });
    monotonic('keywarden_verification_malformed_total', 'Credentials refused for their form (length, characters, checksum) before any lookup', () => read((s) => s.malformed()) ?? 0);
    new Gauge({
      name: 'keywarden_invalidation_listener_connected',
      help: 'Whether each cache-invalidation listener (postgres, pglite, redis) is connected: 1 or 0',
      labelNames: ['transport'],
      registers,
      collect() {
        this.reset();
        for (const l of read((s) => s.invalidationListeners()) ?? []) this.set({ transport: l.transport }, l.connected ? 1 : 0);
      },
    });
    new Counter({
      name: 'keywarden_invalidation_listener_reconnects_total',
      help: 'Reconnections of each cache-invalidation listener (each drops the verification cache)',
      labelNames: ['transport'],
      registers,
      collect() {
        this.reset();
        for (const l of read((s) => s.invalidationListeners()) ?? []) this.inc({ transport: l.transport }, l.reconnects);
      },
    });
    monotonic('keywarden_invalidations_received_total', 'Cache invalidations received from other instances', () => read((s) => s.invalidationsReceived()) ?? 0);
    new Gauge({
      name: 'keywarden_usage_flush_lag_seconds',
      help: 'Age of the oldest key use (last used time, usage count) not yet written to the database; 0 when all are written',
      registers,
      collect() {
        this.set(read((s) => s.usage().lagSeconds) ?? 0);
      },
    });
    new Gauge({
      name: 'keywarden_usage_pending_keys',
      help: 'Keys with uses waiting for the next batched write',
      registers,
      collect() {
        this.set(read((s) => s.usage().pendingKeys) ?? 0);
      },
    });
    monotonic('keywarden_usage_flushed_uses_total', 'Key uses written to the database', () => read((s) => s.usage().flushedUses) ?? 0);
    monotonic('keywarden_usage_flush_failures_total', 'Batched usage writes that failed (their uses are kept for the next one)', () => read((s) => s.usage().failedWrites) ?? 0);

    /** A counter whose value another component keeps (always growing): read when scraped. */
    function monotonic(name: string, help: string, value: () => number): void {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(value());
        },
      });
    }
  }

  /** The components read at scrape time (set once the app has built them). */
  watch(sources: ScrapeSources): void {
    this.sources = sources;
  }

  verified(path: VerifyPath, code: string, seconds: number): void {
    const byCode = this.verifications[path]!;
    const count = byCode.get(code);
    if (count === undefined) byCode.set(code, { n: 1 });
    else count.n++;
    this.verifyDuration[path]!.observe(seconds);
  }

  /** An HTTP answer; `path` without the query. */
  httpResponse(path: string, status: number): void {
    const route = HTTP_ROUTES.get(path) ?? 'other';
    let byStatus = this.httpResponses.get(route);
    if (byStatus === undefined) this.httpResponses.set(route, (byStatus = new Float64Array(600)));
    // Statuses are what the server writes; anything outside 100-599 would be a bug, counted as 0.
    byStatus[Number.isInteger(status) && status >= 100 && status <= 599 ? status : 0]!++;
  }

  graphqlRequest(operationName: string | null | undefined, seconds: number): void {
    this.operationBuckets(operationName).observe(seconds);
  }

  loginRefused(): void {
    this.loginRefusals++;
  }

  /** The series of an operation name given by a caller: bounded in form and in number. */
  private operationBuckets(name: string | null | undefined): Buckets {
    const key = name === null || name === undefined || name === '' ? 'anonymous' : name;
    const known = this.graphqlDuration.get(key);
    if (known !== undefined) return known;
    // `anonymous` is in the map from the start: MAX_OPERATION_NAMES names besides it.
    if (key === 'other' || this.graphqlDuration.size > MAX_OPERATION_NAMES || !OPERATION_NAME.test(key)) return this.other;
    const buckets = new Buckets(SECONDS_BUCKETS);
    this.graphqlDuration.set(key, buckets);
    return buckets;
  }

  /** The text exposition (and its content type) of every metric. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

interface Count {
  n: number;
}

/** One histogram series counted in plain numbers: a count per bucket (the last for beyond every bound), their sum and total. */
class Buckets {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

type Labels = Record<string, string>;

/**
 * A histogram in the registry whose series are Buckets kept elsewhere: prom-client writes what
 * `get()` returns as its own Histogram's (`_bucket` per `le`, cumulative, then `_sum`, `_count`).
 */
function registerHistogram(registry: Registry, name: string, help: string, series: () => [Labels, Buckets][]): void {
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get: async () => ({
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      values: series().flatMap(([labels, b]) => {
        const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
        let cumulative = 0;
        b.bounds.forEach((bound, i) => {
          cumulative += b.counts[i]!;
          values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: bound }, value: cumulative });
        });
        values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: b.count });
        values.push({ metricName: `${name}_sum`, labels, value: b.sum }, { metricName: `${name}_count`, labels, value: b.count });
        return values;
      }),
    }),
  };
  // Not a prom-client class, but what its registry reads of one (name, type, get()).
  registry.registerMetric(metric as unknown as Metric);
}
