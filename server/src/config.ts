import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { compileTrustedProxies, type TrustedProxies } from './domain/clientAddress.ts';
import { parseSecretScanningKeys } from './domain/secretScanning.ts';
import { OWASP_MIN_ARGON2, type Argon2Params } from './domain/secrets.ts';
import type { DatabaseConfig } from './db/database.ts';
import { REPO_ROOT } from './paths.ts';
import { encryptionKeyFrom } from './domain/webhookSigning.ts';
import { parseCidrList, type Cidr } from './domain/webhookTargets.ts';
import type { VerificationOptions } from './services/verification/options.ts';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1');

const optionalInt = (min: number) => z.coerce.number().int().min(min).optional();

const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: z.coerce.number({ message: 'expected a port number' }).int().min(0).max(65535).default(4000),
  HOST: z
    .string()
    .refine((v) => isIP(v) !== 0 || v === 'localhost', 'expected an IPv4 or IPv6 address, or localhost')
    .default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  KEYWARDEN_DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.keywarden-data')),
  KEYWARDEN_MIGRATE_ON_START: booleanFlag.default(true),
  KEYWARDEN_BOOTSTRAP_ON_START: booleanFlag.default(true),
  KEYWARDEN_TRUSTED_PROXIES: z.string().default(''),
  /** Keys the verification cache's HMAC; random per process when unset (the cache is per process). */
  KEYWARDEN_SERVER_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\/.+/, 'expected a redis:// URL').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ARGON2_MEMORY_COST: z.coerce.number().int().min(OWASP_MIN_ARGON2.memoryCost, `must be at least ${OWASP_MIN_ARGON2.memoryCost} (OWASP minimum)`).default(OWASP_MIN_ARGON2.memoryCost),
  ARGON2_TIME_COST: z.coerce.number().int().min(OWASP_MIN_ARGON2.timeCost, `must be at least ${OWASP_MIN_ARGON2.timeCost} (OWASP minimum)`).default(OWASP_MIN_ARGON2.timeCost),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(16).default(OWASP_MIN_ARGON2.parallelism),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  // Verification tuning: unset leaves DEFAULT_VERIFICATION_OPTIONS' value.
  KEYWARDEN_VERIFY_CACHE_SIZE: optionalInt(0),
  KEYWARDEN_VERIFY_CACHE_TTL_SECONDS: optionalInt(1),
  KEYWARDEN_VERIFY_RECORD_CACHE_SIZE: optionalInt(0),
  KEYWARDEN_VERIFY_RECORD_TTL_SECONDS: optionalInt(1),
  KEYWARDEN_HASH_CONCURRENCY: optionalInt(1),
  KEYWARDEN_HASH_QUEUE: optionalInt(0),
  KEYWARDEN_HASH_MAX_WAIT_MS: optionalInt(1),
  KEYWARDEN_FAILED_ATTEMPTS_PER_KEY: optionalInt(1),
  KEYWARDEN_FAILED_ATTEMPTS_PER_ADDRESS: optionalInt(1),
  KEYWARDEN_FAILED_ATTEMPTS_WINDOW_SECONDS: optionalInt(1),
  KEYWARDEN_USAGE_FLUSH_MS: optionalInt(10),
  KEYWARDEN_NEW_NETWORK_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
  KEYWARDEN_CANARY_REPEAT_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).optional(),
  KEYWARDEN_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/).optional(),
  /** false: invalidations travel over Redis only (PostgreSQL LISTEN/NOTIFY off). */
  KEYWARDEN_DB_NOTIFICATIONS: booleanFlag.optional(),
  // GraphQL operation limits, checked before execution (see http/operationLimits.ts).
  KEYWARDEN_GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).default(12),
  KEYWARDEN_GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  KEYWARDEN_GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(1).default(2000),
  KEYWARDEN_GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(20),
  KEYWARDEN_GRAPHQL_MAX_COST: z.coerce.number().int().min(1).default(8_000),
  /** Who may introspect the schema and see field suggestions; unset: authenticated in production, else always. */
  KEYWARDEN_INTROSPECTION: z.enum(['authenticated', 'always', 'never']).optional(),
  /** GET /metrics (Prometheus text format), and process metrics with it. */
  KEYWARDEN_METRICS: booleanFlag.default(true),
  /** When set, GET /metrics needs `Authorization: Bearer <this>`. */
  KEYWARDEN_METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]{16,256}$/, 'expected 16 to 256 printable characters, no spaces').optional(),
  /** Origins (scheme://host[:port]) whose pages may call the API from a browser; unset: none. */
  /** The server's public base URL (scheme://host[:port][/path]): the OAuth issuer and its endpoints' base. */
  KEYWARDEN_PUBLIC_URL: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      const problem = v === undefined ? null : publicUrlProblem(v);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
  KEYWARDEN_CORS_ORIGINS: z
    .string()
    .default('')
    .refine((v) => splitList(v).every(isOrigin), 'expected a comma-separated list of origins such as https://admin.example.com'),
  /** Forward-auth's identity headers are this prefix + Key-Id, Tenant-Id, Owner, Scopes, External-Id. */
  KEYWARDEN_FORWARD_AUTH_HEADER_PREFIX: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,39}$/, 'expected 1 to 40 letters, digits and "-", starting with a letter, e.g. X-Auth-')
    .default('X-Keywarden-'),
  /** GitHub's secret-scanning public keys (its `public_keys` JSON); unset: POST /v1/leaks/github answers 503. */
  KEYWARDEN_SECRET_SCANNING_KEYS_FILE: z.string().min(1, 'expected a file path').optional(),
  /** Private/loopback/link-local ranges webhooks may still reach (comma-separated CIDRs); unset: none. */
  KEYWARDEN_WEBHOOK_ALLOWED_CIDRS: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        parseCidrList(v);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  /** Encrypts webhook signing secrets at rest; unset: a key generated once and kept in the database. */
  KEYWARDEN_WEBHOOK_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  KEYWARDEN_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  KEYWARDEN_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(12),
  /** An endpoint whose deliveries all failed for this many days is disabled. */
  KEYWARDEN_WEBHOOK_DISABLE_AFTER_DAYS: z.coerce.number().int().min(1).max(365).default(5),
});

/** Variables whose value is never repeated in an error. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set(['KEYWARDEN_SERVER_SECRET', 'KEYWARDEN_METRICS_TOKEN', 'KEYWARDEN_WEBHOOK_SECRET_KEY']);

/** NODE_ENV, read through the same schema (the GraphQL builder needs it before any config is loaded). */
export function isProduction(env: Record<string, string | undefined> = process.env): boolean {
  return envSchema.shape.NODE_ENV.parse(env.NODE_ENV) === 'production';
}

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  migrateOnStart: boolean;
  bootstrapOnStart: boolean;
  trustedProxies: TrustedProxies;
  serverSecret: Buffer;
  redisUrl: string | null;
  logLevel: string;
  argon2: Argon2Params;
  shutdownTimeoutMs: number;
  /** Verification tuning set in the environment (KEYWARDEN_VERIFY_*, KEYWARDEN_HASH_*, …). */
  verification: Partial<VerificationOptions>;
  graphqlLimits: GraphQLLimits;
  /** Introspection and "Did you mean" suggestions: for authenticated callers, everyone, or no one. */
  introspection: IntrospectionMode;
  /** GET /metrics: served or not, and the bearer token it asks for (null: none). */
  metrics: { enabled: boolean; token: string | null };
  /** Origins allowed by CORS; empty: CORS is off. */
  corsOrigins: string[];
  /** Forward-auth: the prefix of the identity headers answered for the upstream (lower case). */
  forwardAuth: { headerPrefix: string };
  /**
   * KEYWARDEN_PUBLIC_URL without a trailing slash: the OAuth issuer (RFC 8414) and the base of the
   * endpoints its metadata names. null: each request's own origin (development only).
   */
  publicUrl: string | null;
  /** POST /v1/leaks/github: the file of GitHub's secret-scanning public keys (read at start, and again whenever it changes); null: the route answers 503. */
  secretScanning: { keysFile: string | null };
  webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** Only https targets (NODE_ENV=production). */
  requireHttps: boolean;
  /** Ranges outside public unicast that targets may still resolve to. */
  allowedCidrs: Cidr[];
  /** The AES-256 key of the stored signing secrets; null: the one kept in the database. */
  secretKey: Buffer | null;
  timeoutMs: number;
  maxAttempts: number;
  disableAfterDays: number;
}

export type IntrospectionMode = 'authenticated' | 'always' | 'never';

/** What one GraphQL document may ask for; beyond any of these it is refused before execution. */
export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** graphql-armor's cost: objects 10, scalars 1, at every depth alike, × the page size of a connection (`first`/`last`, literal, from a variable, or the default). */
  maxCost: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; a bad value throws one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    // A secret's value is not repeated where a terminal or a log collector would keep it.
    const shown = SECRET_VARIABLES.has(name) ? ` (value not shown, ${env[name]?.length ?? 0} characters)` : `=${JSON.stringify(env[name])}`;
    throw new ConfigError(`Invalid configuration: ${name}${shown}: ${issue.message}`);
  }
  const e = parsed.data;
  let trustedProxies: TrustedProxies;
  try {
    trustedProxies = compileTrustedProxies(splitList(e.KEYWARDEN_TRUSTED_PROXIES));
  } catch (error) {
    throw new ConfigError(`Invalid configuration: KEYWARDEN_TRUSTED_PROXIES: ${(error as Error).message}`);
  }
  const keysFile = e.KEYWARDEN_SECRET_SCANNING_KEYS_FILE ?? null;
  if (keysFile !== null) checkSecretScanningKeysFile(keysFile);
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir: e.KEYWARDEN_DATA_DIR },
    migrateOnStart: e.KEYWARDEN_MIGRATE_ON_START,
    bootstrapOnStart: e.KEYWARDEN_BOOTSTRAP_ON_START,
    trustedProxies,
    serverSecret: e.KEYWARDEN_SERVER_SECRET ? Buffer.from(e.KEYWARDEN_SERVER_SECRET) : randomBytes(32),
    redisUrl: e.REDIS_URL ?? null,
    logLevel: e.LOG_LEVEL,
    argon2: { memoryCost: e.ARGON2_MEMORY_COST, timeCost: e.ARGON2_TIME_COST, parallelism: e.ARGON2_PARALLELISM },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    verification: verificationOptions(e),
    graphqlLimits: {
      maxDepth: e.KEYWARDEN_GRAPHQL_MAX_DEPTH,
      maxAliases: e.KEYWARDEN_GRAPHQL_MAX_ALIASES,
      maxTokens: e.KEYWARDEN_GRAPHQL_MAX_TOKENS,
      maxDirectives: e.KEYWARDEN_GRAPHQL_MAX_DIRECTIVES,
      maxCost: e.KEYWARDEN_GRAPHQL_MAX_COST,
    },
    introspection: e.KEYWARDEN_INTROSPECTION ?? (e.NODE_ENV === 'production' ? 'authenticated' : 'always'),
    metrics: { enabled: e.KEYWARDEN_METRICS, token: e.KEYWARDEN_METRICS_TOKEN ?? null },
    corsOrigins: splitList(e.KEYWARDEN_CORS_ORIGINS),
    forwardAuth: { headerPrefix: e.KEYWARDEN_FORWARD_AUTH_HEADER_PREFIX.toLowerCase() },
    publicUrl: e.KEYWARDEN_PUBLIC_URL === undefined ? null : e.KEYWARDEN_PUBLIC_URL.replace(/\/+$/, ''),
    secretScanning: { keysFile },
    webhooks: {
      requireHttps: e.NODE_ENV === 'production',
      allowedCidrs: parseCidrList(e.KEYWARDEN_WEBHOOK_ALLOWED_CIDRS),
      secretKey: e.KEYWARDEN_WEBHOOK_SECRET_KEY === undefined ? null : encryptionKeyFrom(e.KEYWARDEN_WEBHOOK_SECRET_KEY),
      timeoutMs: e.KEYWARDEN_WEBHOOK_TIMEOUT_MS,
      maxAttempts: e.KEYWARDEN_WEBHOOK_MAX_ATTEMPTS,
      disableAfterDays: e.KEYWARDEN_WEBHOOK_DISABLE_AFTER_DAYS,
    },
  };
}

/** The keys file must be there and valid at start: a typo stops the server rather than refusing every report. */
function checkSecretScanningKeysFile(file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Invalid configuration: KEYWARDEN_SECRET_SCANNING_KEYS_FILE=${JSON.stringify(file)}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    parseSecretScanningKeys(text);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: KEYWARDEN_SECRET_SCANNING_KEYS_FILE=${JSON.stringify(file)}: ${(error as Error).message}`);
  }
}

function verificationOptions(e: z.infer<typeof envSchema>): Partial<VerificationOptions> {
  const seconds = (v: number | undefined) => (v === undefined ? undefined : v * 1000);
  const options: Partial<VerificationOptions> = {
    credentialCacheSize: e.KEYWARDEN_VERIFY_CACHE_SIZE,
    credentialCacheTtlMs: seconds(e.KEYWARDEN_VERIFY_CACHE_TTL_SECONDS),
    recordCacheSize: e.KEYWARDEN_VERIFY_RECORD_CACHE_SIZE,
    recordCacheTtlMs: seconds(e.KEYWARDEN_VERIFY_RECORD_TTL_SECONDS),
    hashConcurrency: e.KEYWARDEN_HASH_CONCURRENCY,
    hashQueueSize: e.KEYWARDEN_HASH_QUEUE,
    hashMaxWaitMs: e.KEYWARDEN_HASH_MAX_WAIT_MS,
    failedAttemptsPerKey: e.KEYWARDEN_FAILED_ATTEMPTS_PER_KEY,
    failedAttemptsPerAddress: e.KEYWARDEN_FAILED_ATTEMPTS_PER_ADDRESS,
    failedAttemptsWindowMs: seconds(e.KEYWARDEN_FAILED_ATTEMPTS_WINDOW_SECONDS),
    usageFlushIntervalMs: e.KEYWARDEN_USAGE_FLUSH_MS,
    newNetworkDays: e.KEYWARDEN_NEW_NETWORK_DAYS,
    canaryRepeatWindowMs: seconds(e.KEYWARDEN_CANARY_REPEAT_WINDOW_SECONDS),
    redisPrefix: e.KEYWARDEN_REDIS_PREFIX,
    databaseNotifications: e.KEYWARDEN_DB_NOTIFICATIONS,
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<VerificationOptions>;
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** An http(s) origin exactly as a browser sends it: no path, no trailing slash, no wildcard. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/**
 * Why a value cannot be the public URL, or null: RFC 8414 §2 wants an issuer with no query or
 * fragment, and https except where the host is this machine (a loopback address or localhost).
 */
function publicUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'expected an absolute URL such as https://keys.example.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'expected an https:// URL';
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) return 'must have no query or fragment';
  if (url.username !== '' || url.password !== '') return 'must have no user name or password';
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol === 'http:' && !loopback) return 'must use https (http only for localhost or a loopback address)';
  return null;
}
