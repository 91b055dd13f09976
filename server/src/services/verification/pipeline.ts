import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Caller, RequestInfo } from '../../domain/caller.ts';
import type { Logger } from '../../logger.ts';
import type { VerificationMetrics, VerifyPath } from '../../observability/metrics.ts';
import { isDatabaseUnavailable } from '../../db/unavailable.ts';
import { expiryInstant, type Clock } from '../../domain/expiry.ts';
import type { PresentedCredential } from '../../domain/caller.ts';
import { AuthenticationError, RateLimitedError } from '../../domain/errors.ts';
import { isValidPublicId, parseKey } from '@keywarden/sdk/key-format';
import { basicSecretPart } from '../../domain/keyFormat.ts';
import { scopeSet, type ScopeSet } from '../../domain/scopes.ts';
import { hashSecret, secretNeedsRehash, sha256Hex, type Argon2Params } from '../../domain/secrets.ts';
import { TOKEN_PREFIX } from '../../domain/caller.ts';
import type { VerificationCaches, CachedToken } from './caches.ts';
import { retryAfterSeconds } from '../throttle.ts';
import { VERIFY_MESSAGES, type DenialCode } from './codes.ts';
import { decideCachedAccess } from './decide.ts';
import type { InvalidationBus } from './invalidationBus.ts';
import { loadKeyRecord, type KeyLookup, type KeyRecord } from './keyRecord.ts';
import { ConcurrencyLimiter, OverloadedError, SingleFlight } from './limiter.ts';
import type { VerificationOptions } from './options.ts';
import type { FailedAttemptThrottle, RateLimiter } from './rateLimit.ts';
import { consumeUsageCredit, type UsageRecorder } from './usage.ts';
import type { CanaryAlarm } from './canary.ts';
import { DEFAULT_CHARGE, limitsToCharge, type ChargeRequest } from '../../domain/limits.ts';
import { completeRotationWait } from '../keys/firstUse.ts';

/** What was presented: key text or access token, or the two halves of Basic credentials. */
export type PresentedSecret = { kind: 'text'; text: string } | { kind: 'basic'; publicId: string; secret: string };

export interface VerifyRequest {
  credential: PresentedSecret;
  /** Who asks (metrics): POST /v1/verify, the GraphQL `verify` query, the OAuth routes, or authentication. */
  path: VerifyPath;
  /** Only keys of this tenant exist for this request (the caller's); null: any tenant. */
  tenantId: string | null;
  /** The end client's address, checked against IP rules; null: not given (keys with rules are refused). */
  ip: string | null;
  /** Whose failed attempts these are: the end client, else the HTTP peer. */
  throttleAddress: string;
  /**
   * `METHOD /path` or `/path` being called; null: not given (keys limited to endpoints are
   * refused); undefined: not checked (the management API is not one of the tenant's endpoints).
   */
  endpoint: string | null | undefined;
  requiredScopes: readonly string[];
  /** The credential came in the `rest_api_key` query parameter (allowed only where the tenant says so). */
  viaQueryParameter?: boolean;
  /** Which rate limits to charge and at what cost, and the credit cost; default: the `default` limits and one credit. */
  charge?: ChargeRequest;
  /** The HTTP request this verification serves (its id, user agent and route go into canary records). */
  requestInfo?: RequestInfo;
}

/** One rate limit charged by a verification, as the verdict reports it. */
export interface ChargedLimit {
  name: string;
  level: 'KEY' | 'IDENTITY';
  limit: number;
  remaining: number;
  resetAt: Date;
}

export interface VerifyValid {
  valid: true;
  code: 'VALID';
  message: string;
  credentialType: 'API_KEY' | 'ACCESS_TOKEN';
  keyId: string;
  publicId: string;
  tokenId: string | null;
  tenantId: string;
  ownerId: string;
  name: string;
  scopes: ScopeSet;
  /** `scopes` as a sorted list. */
  scopeList: string[];
  metadata: unknown;
  /** The key's identity (`externalId`), when it has one. */
  externalId: string | null;
  expiresAt: Date | null;
  /** The charged limit with the least left (compatibility: the one limit of before named limits). */
  rateLimit: { limit: number; remaining: number; resetAt: Date } | null;
  /** Every rate limit charged, in the order asked. */
  rateLimits: ChargedLimit[];
  remainingUses: number | null;
  /**
   * Which of the key's secrets was proven (its secretVersion: the current one, or one less for the
   * previous one in a rotation's grace); null for an access token. Not part of any response.
   */
  secretVersion: number | null;
  /**
   * Until when (epoch ms) this verdict may be reused for the same credential without checking it
   * again, provided nothing is invalidated meanwhile; null: never (rate limits and usage credits
   * must count every request). Not part of any response.
   */
  reusableUntil: number | null;
}

export interface VerifyDenied {
  valid: false;
  code: DenialCode;
  message: string;
  missingScopes?: string[];
  /** Seconds (RATE_LIMITED). */
  retryAfter?: number;
  /** The limit that refused (RATE_LIMITED) or that the key does not have (UNKNOWN_RATE_LIMIT). */
  limitName?: string;
}

export type VerifyOutcome = VerifyValid | VerifyDenied;

/** Counters for tests, the benchmark and metrics: what the pipeline actually paid for. */
export interface VerificationStats {
  verifications: number;
  rejectedByFormat: number;
  dbLookups: number;
  argon2Verifies: number;
  argon2Hashes: number;
  credentialCacheHits: number;
  credentialCacheMisses: number;
  throttled: number;
  /** Refused by the key's own rate limit. */
  rateLimited: number;
  overloaded: number;
  creditUpdates: number;
  /** Management-API authentications answered from the connection's last proof. */
  connectionReuses: number;
}

export function emptyStats(): VerificationStats {
  return {
    verifications: 0, rejectedByFormat: 0, dbLookups: 0, argon2Verifies: 0, argon2Hashes: 0,
    credentialCacheHits: 0, credentialCacheMisses: 0, throttled: 0, rateLimited: 0, overloaded: 0, creditUpdates: 0, connectionReuses: 0,
  };
}

const MALFORMED_MESSAGE = 'The key is malformed (wrong length, characters or checksum)';
/** The text of an access token (`kwt_` and 43 base62 characters), checked before any lookup. */
export const ACCESS_TOKEN_PATTERN = /^kwt_[A-Za-z0-9]{43}$/;

/** Who a VALID verdict's credential is, as a management-API caller. */
export function callerOf(outcome: VerifyValid): Extract<Caller, { kind: 'apiKey' | 'accessToken' }> {
  return outcome.credentialType === 'API_KEY'
    ? { kind: 'apiKey', tenantId: outcome.tenantId, keyId: outcome.keyId, publicId: outcome.publicId, ownerId: outcome.ownerId, scopes: outcome.scopes }
    : { kind: 'accessToken', tenantId: outcome.tenantId, tokenId: outcome.tokenId!, keyId: outcome.keyId, ownerId: outcome.ownerId, scopes: outcome.scopes };
}

function denied(code: DenialCode, extra: Partial<VerifyDenied> = {}): VerifyDenied {
  return { valid: false, code, message: VERIFY_MESSAGES[code], ...extra };
}

/** What the credential proved: the key itself, or an access token of it (narrower scopes, own expiry). */
interface ProvenCredential {
  credentialType: 'API_KEY' | 'ACCESS_TOKEN';
  tokenId: string | null;
  scopes: ScopeSet;
  scopeList: string[];
  expiresAt?: Date;
  /** The key's secret proven (see VerifyValid.secretVersion). */
  secretVersion: number | null;
}

/** Which of the key's secrets matched: its current one, or the previous one in a rotation's grace. */
type SecretCheck = 'current' | 'previous' | 'wrong' | { throttledUntil: number };

interface FoundRecord {
  record: KeyRecord | null;
  /** Set when nothing was read because the address used up its failed attempts. */
  throttledUntil?: number;
}

/** The credential a connection last proved to the management API, and what it proved. */
interface ConnectionProof {
  /** The credential text exactly as presented. */
  text: string;
  ip: string;
  /** The caches' generation when it was proved: any invalidation since voids the proof. */
  generation: number;
  /** Epoch ms: the credential cache's TTL, the key's expiry, the end of a rotation grace. */
  until: number;
  keyId: string;
  tenantId: string;
  caller: Caller;
}

export interface VerifierDeps {
  prisma: PrismaClient;
  logger: Logger;
  clock: Clock;
  serverSecret: Buffer;
  argon2: Argon2Params;
  options: VerificationOptions;
  caches: VerificationCaches;
  bus: InvalidationBus;
  throttle: FailedAttemptThrottle;
  rateLimiter: RateLimiter;
  usage: UsageRecorder;
  canaries: CanaryAlarm;
  stats: VerificationStats;
  metrics: VerificationMetrics;
}

/**
 * The verification pipeline, shared by POST /v1/verify, the GraphQL `verify` query and the
 * management API's own authentication:
 *   1. parse: length, shape and checksum, with no I/O;
 *   2. the key record by public id (cached), then tenant, status, owner, expiry, IP rules,
 *      endpoints and scopes: all free, so a key that cannot pass never costs a hash;
 *   3. the secret: a cache of verified credentials under HMAC-SHA-256(server secret, public id +
 *      secret); on a miss, failed-attempt throttles, then argon2 behind a bounded limiter;
 *   4. after the secret: the key's rate limit, then its usage credits (so wrong guesses can spend
 *      neither), then usage recorded for the batched write.
 */
export class Verifier {
  private readonly limiter: ConcurrencyLimiter;
  private readonly secretChecks = new SingleFlight<string | null>();
  private readonly recordLoads = new SingleFlight<KeyRecord | null>();
  private readonly rehashing = new Map<string, Promise<void>>();
  /** First uses of rotated keys being written, by key id and secret version. */
  private readonly rotationCompletions = new Map<string, Promise<void>>();
  private readonly connectionProofs = new WeakMap<object, ConnectionProof>();
  /** The server secret imported once, not on every HMAC. */
  private readonly hmacKey: KeyObject;

  constructor(private readonly deps: VerifierDeps) {
    const { options } = deps;
    this.hmacKey = createSecretKey(deps.serverSecret);
    this.limiter = new ConcurrencyLimiter({
      concurrency: options.hashConcurrency,
      queueSize: options.hashQueueSize,
      maxWaitMs: options.hashMaxWaitMs,
      retryAfterSeconds: options.overloadRetryAfterSeconds,
    });
  }

  get hashLimiter(): ConcurrencyLimiter {
    return this.limiter;
  }

  /** Throws OverloadedError when argon2 capacity is exhausted; every other outcome is a verdict. */
  async verify(request: VerifyRequest): Promise<VerifyOutcome> {
    const started = performance.now();
    let code: string = 'ERROR';
    try {
      const outcome = await this.decide(request);
      code = outcome.code;
      return outcome;
    } catch (error) {
      code = error instanceof OverloadedError ? 'OVERLOADED' : isDatabaseUnavailable(error) ? 'UNAVAILABLE' : 'ERROR';
      throw error;
    } finally {
      this.deps.metrics.verified(request.path, code, (performance.now() - started) / 1000);
    }
  }

  private async decide(request: VerifyRequest): Promise<VerifyOutcome> {
    const { stats } = this.deps;
    stats.verifications++;
    const now = this.deps.clock();
    const credential = request.credential;

    let publicId: string;
    let secret: string;
    if (credential.kind === 'text') {
      if (credential.text.startsWith(`${TOKEN_PREFIX.accessToken}_`)) return this.verifyAccessToken(credential.text, request, now);
      const parsed = parseKey(credential.text);
      if (!parsed.ok) {
        stats.rejectedByFormat++;
        return denied('NOT_FOUND', { message: MALFORMED_MESSAGE });
      }
      publicId = parsed.publicId;
      secret = parsed.secret;
    } else {
      // The secret may be the 32 characters or the key's full text (checked to be this key's).
      const basicSecret = isValidPublicId(credential.publicId) ? basicSecretPart(credential.publicId, credential.secret) : null;
      if (basicSecret === null) {
        stats.rejectedByFormat++;
        return denied('NOT_FOUND', { message: MALFORMED_MESSAGE });
      }
      publicId = credential.publicId;
      secret = basicSecret;
    }

    const address = request.throttleAddress;
    const lookup = this.record({ publicId }, address);
    const found = lookup instanceof Promise ? await lookup : lookup;
    // Before any other check: a canary is reported from every tenant, status and path.
    if (found.record?.canary) return this.canaryUsed(found.record, secret, request);
    if (found.throttledUntil !== undefined) return this.throttled(found.throttledUntil);
    const record = found.record;
    if (record === null || (request.tenantId !== null && record.tenantId !== request.tenantId)) {
      // Unknown, or another tenant's: the same answer, and the same cost to whoever is probing.
      this.deps.throttle.fail(null, address);
      return denied('NOT_FOUND');
    }
    if (request.viaQueryParameter && !record.tenant.allowQueryParamKey) return denied('NOT_FOUND');

    const decision = decideCachedAccess(record, { now, ip: request.ip, endpoint: request.endpoint, requiredScopes: request.requiredScopes });
    if (!decision.allowed) return denied(decision.code, decision.missingScopes ? { missingScopes: decision.missingScopes } : {});

    const check = this.checkSecret(record, secret, address, now);
    const secretCheck = check instanceof Promise ? await check : check;
    if (secretCheck === 'wrong') return denied('NOT_FOUND');
    if (typeof secretCheck !== 'string') return this.throttled(secretCheck.throttledUntil);
    // Said only to whoever proved the secret: the key exists to be exchanged for tokens.
    if (record.tokenExchangeOnly && request.path !== 'oauth') return denied('TOKEN_EXCHANGE_ONLY');

    const secretVersion = secretCheck === 'current' ? record.secretVersion : record.secretVersion - 1;
    const outcome = this.admit(record, request, now, { credentialType: 'API_KEY', tokenId: null, scopes: record.scopes, scopeList: record.scopeList, secretVersion });
    // Only a key whose rotation waits for its new secret's first use pays anything more.
    if (record.rotationWaitUntil === null || secretCheck !== 'current') return outcome;
    return this.afterFirstUse(record, outcome, request, now);
  }

  /**
   * The new secret of a rotation that waits for its first use was just used: once it is admitted,
   * end the wait (one conditional write; concurrent first uses here share it, other instances'
   * lose the race in the database). Answered after the write, so the grace has started when the
   * caller hears VALID; a failed write is logged and retried by the next use.
   */
  private async afterFirstUse(record: KeyRecord, pending: VerifyOutcome | Promise<VerifyOutcome>, request: VerifyRequest, now: Date): Promise<VerifyOutcome> {
    const outcome = await pending;
    if (!outcome.valid || record.rotationWaitUntil === null || record.rotationWaitUntil <= now) return outcome;
    const flight = `${record.id}:${record.secretVersion}`;
    let completion = this.rotationCompletions.get(flight);
    if (completion === undefined) {
      completion = completeRotationWait(this.deps.prisma, this.deps.bus, {
        keyId: record.id, tenantId: record.tenantId, secretVersion: record.secretVersion, now,
        ip: request.ip ?? request.throttleAddress,
        caller: { kind: 'apiKey', tenantId: record.tenantId, keyId: record.id, publicId: record.publicId, ownerId: record.ownerId, scopes: record.scopes },
      }).then(
        () => undefined,
        (error: unknown) => this.deps.logger.error({ err: error, keyId: record.id }, 'could not end the wait of a rotation at its first use'),
      ).finally(() => this.rotationCompletions.delete(flight));
      this.rotationCompletions.set(flight, completion);
    }
    await completion;
    return outcome;
  }

  /**
   * The management API's authenticator: a key or access token becomes the caller, with its
   * effective scopes.
   *
   * A resource server sends the same credential on every request of a keep-alive connection, so
   * the connection's last proof is reused while it still holds: the same text from the same
   * address, no invalidation anywhere since (revocation, key, role, tenant or IP-rule changes all
   * invalidate), an invalidation listener connected, and before the proof's `reusableUntil`.
   * Credentials with a rate limit or usage credits are proved on every request.
   */
  async authenticate(credential: PresentedCredential, info: RequestInfo): Promise<Caller | null> {
    const { caches, stats } = this.deps;
    const viaQueryParameter = credential.kind === 'token' && credential.source === 'query';
    // Only header credentials: a query parameter's allowance depends on the tenant's setting.
    const text = credential.kind === 'token' && !viaQueryParameter ? credential.text : null;
    // With the credential cache off (size 0) every request is proved with argon2: no shortcut.
    const connection = text !== null && this.deps.options.credentialCacheSize > 0 ? info.connection : undefined;
    if (connection !== undefined) {
      const proof = this.connectionProofs.get(connection);
      if (proof !== undefined && proof.text === text && proof.ip === info.ip && proof.generation === caches.generation && caches.isHealthy) {
        const now = this.deps.clock();
        if (now.getTime() < proof.until) {
          stats.connectionReuses++;
          this.deps.usage.record(proof.keyId, now, info.ip, { tenantId: proof.tenantId, endpoint: undefined, request: info, via: 'auth' });
          return proof.caller;
        }
      }
    }

    const generation = caches.generation;
    // Exhausted argon2 capacity (OverloadedError) is answered by the request edge (resolveRequest).
    const outcome = await this.verify({
      credential: credential.kind === 'basic' ? credential : { kind: 'text', text: credential.text },
      path: 'auth',
      tenantId: null,
      ip: info.ip,
      throttleAddress: info.ip,
      // Allowed endpoints describe the tenant's own APIs; access to this API is governed by scopes.
      endpoint: undefined,
      requiredScopes: [],
      viaQueryParameter,
      requestInfo: info,
    });
    if (outcome.valid) {
      const caller = callerOf(outcome);
      if (connection !== undefined && text !== null && outcome.reusableUntil !== null && generation === caches.generation) {
        this.connectionProofs.set(connection, { text, ip: info.ip, generation, until: outcome.reusableUntil, keyId: outcome.keyId, tenantId: outcome.tenantId, caller });
      }
      return caller;
    }
    // Refusals after the secret was proven may say why; before it, every refusal looks the same.
    if (outcome.code === 'RATE_LIMITED') throw new RateLimitedError(outcome.retryAfter ?? 1, outcome.message);
    if (outcome.code === 'USAGE_EXCEEDED' || outcome.code === 'TOKEN_EXCHANGE_ONLY') throw new AuthenticationError(outcome.message, true);
    if (viaQueryParameter) {
      throw new AuthenticationError('The credential is invalid, expired or revoked (a key in the rest_api_key query parameter is accepted only where its tenant allows it)', true);
    }
    return null;
  }

  private throttled(until: number): VerifyDenied {
    this.deps.stats.throttled++;
    return denied('RATE_LIMITED', { message: 'Too many failed attempts; try again later', retryAfter: retryAfterSeconds(until) });
  }

  /**
   * The cached record, or a database read (one per public id at a time). When the record is not
   * cached and the address has used up its failed attempts, nothing is read.
   */
  private record(lookup: KeyLookup, address: string): FoundRecord | Promise<FoundRecord> {
    const { caches } = this.deps;
    const cached = 'publicId' in lookup ? caches.getRecord(lookup.publicId) : caches.getRecordByKeyId(lookup.id);
    // Answered without a promise when cached: the hot path has no await of its own.
    if (cached !== undefined) return { record: cached };
    if ('publicId' in lookup && caches.isKnownUnknown(lookup.publicId)) return { record: null };
    const blocked = this.deps.throttle.blockedUntil(null, address);
    if (blocked !== null) return 'publicId' in lookup ? this.throttledLookup(lookup, blocked) : { record: null, throttledUntil: blocked };
    return this.loadRecord(lookup);
  }

  /**
   * A throttled address reads nothing, except a canary's record: the public id is checked against
   * the in-memory set of canaries first, so the throttle still keeps unknown ids from the database.
   */
  private async throttledLookup(lookup: { publicId: string }, blocked: number): Promise<FoundRecord> {
    if (!(await this.deps.canaries.isCanary(lookup.publicId))) return { record: null, throttledUntil: blocked };
    const { record } = await this.loadRecord(lookup);
    return { record, throttledUntil: blocked };
  }

  /**
   * A canary key was presented: answered exactly as an unknown public id is (NOT_FOUND and a
   * failed attempt counted, or RATE_LIMITED when the address is throttled), after the use is
   * recorded (canary.ts). Its secret is checked only to say in the record whether it matched:
   * from the credential cache, else with argon2 when the address is not throttled and a hashing
   * slot comes in time, as for a wrong secret; a canary is never valid.
   */
  private async canaryUsed(record: KeyRecord, secret: string, request: VerifyRequest): Promise<VerifyDenied> {
    const { caches, throttle } = this.deps;
    const address = request.throttleAddress;
    const blocked = throttle.blockedUntil(null, address);
    const hmac = createHmac('sha256', this.hmacKey).update(`${record.publicId}:${secret}`, 'utf8').digest('hex');
    const cached = caches.getCredential(hmac);
    const known = cached !== undefined && cached.keyId === record.id && cached.matchedHash === record.secretHash ? true : null;
    const checkSecret = blocked !== null || throttle.blockedUntil(record.publicId, address) !== null
      ? null
      : async () => {
        const generation = caches.generation;
        let matched: boolean;
        try {
          matched = await this.limiter.run(() => {
            this.deps.stats.argon2Verifies++;
            return this.deps.options.verifySecret(record.secretHash, secret);
          });
        } catch (error) {
          // argon2 busy: the use is recorded all the same, with the secret unchecked.
          if (error instanceof OverloadedError) return null;
          throw error;
        }
        if (matched) caches.storeCredential(hmac, { keyId: record.id, tenantId: record.tenantId, matchedHash: record.secretHash }, generation);
        else throttle.fail(record.publicId, address);
        return matched;
      };
    await this.deps.canaries.trigger({
      keyId: record.id,
      tenantId: record.tenantId,
      publicId: record.publicId,
      address: request.ip ?? address,
      peerAddress: request.requestInfo && request.requestInfo.ip !== (request.ip ?? address) ? request.requestInfo.ip : null,
      via: request.path,
      endpoint: request.endpoint ?? null,
      request: request.requestInfo,
      genuine: known,
    }, checkSecret);
    if (blocked !== null) return this.throttled(blocked);
    throttle.fail(null, address);
    return denied('NOT_FOUND');
  }

  private async loadRecord(lookup: KeyLookup): Promise<FoundRecord> {
    const { caches } = this.deps;
    const flightId = 'publicId' in lookup ? `p:${lookup.publicId}` : `i:${lookup.id}`;
    const record = await this.recordLoads.run(flightId, async () => {
      const generation = caches.generation;
      this.deps.stats.dbLookups++;
      const loaded = await loadKeyRecord(this.deps.prisma, lookup, this.deps.logger);
      if (loaded !== null || 'publicId' in lookup) caches.storeRecord(loaded?.publicId ?? (lookup as { publicId: string }).publicId, loaded, generation);
      return loaded;
    });
    return { record };
  }

  /** Which secret matched, 'wrong', or throttled. Cache hits skip the throttles: a flood of guesses cannot lock out the real key. */
  private checkSecret(record: KeyRecord, secret: string, address: string, now: Date): SecretCheck | Promise<SecretCheck> {
    const { caches, stats, throttle } = this.deps;
    // HMAC-SHA-256 (domain/secrets.ts hmacSha256Hex) with the key object made once.
    const hmac = createHmac('sha256', this.hmacKey).update(`${record.publicId}:${secret}`, 'utf8').digest('hex');
    const previousValid = record.previousSecretHash !== null && record.previousSecretExpiresAt !== null && record.previousSecretExpiresAt > now;

    const entry = caches.getCredential(hmac);
    if (entry !== undefined && entry.keyId === record.id && (entry.matchedHash === record.secretHash || (previousValid && entry.matchedHash === record.previousSecretHash))) {
      stats.credentialCacheHits++;
      return entry.matchedHash === record.secretHash ? 'current' : 'previous';
    }
    stats.credentialCacheMisses++;

    const blocked = throttle.blockedUntil(record.publicId, address);
    if (blocked !== null) return { throttledUntil: blocked };
    return this.proveSecret(record, secret, hmac, address, previousValid);
  }

  /** The cache did not know this secret: argon2 (one verify per secret at a time), then remember it. */
  private async proveSecret(record: KeyRecord, secret: string, hmac: string, address: string, previousValid: boolean): Promise<SecretCheck> {
    const { caches, stats, throttle } = this.deps;
    const generation = caches.generation;
    let matched: string | null;
    try {
      matched = await this.secretChecks.run(`${hmac}:${record.secretHash}`, () =>
        this.limiter.run(async () => {
          stats.argon2Verifies++;
          if (await this.deps.options.verifySecret(record.secretHash, secret)) return record.secretHash;
          if (previousValid) {
            stats.argon2Verifies++;
            if (await this.deps.options.verifySecret(record.previousSecretHash!, secret)) return record.previousSecretHash;
          }
          return null;
        }),
      );
    } catch (error) {
      if (error instanceof OverloadedError) stats.overloaded++;
      throw error;
    }
    if (matched === null) {
      throttle.fail(record.publicId, address);
      return 'wrong';
    }
    caches.storeCredential(hmac, { keyId: record.id, tenantId: record.tenantId, matchedHash: matched }, generation);
    if (matched !== record.secretHash) return 'previous';
    if (secretNeedsRehash(record.secretHash, this.deps.argon2)) this.rehash(record, secret, hmac);
    return 'current';
  }

  /**
   * Stores a hash with the current argon2 parameters after a successful verify, in the background
   * and only when a hashing slot is free. The conditional UPDATE never overwrites a rotation that
   * happened meanwhile.
   */
  private rehash(record: KeyRecord, secret: string, hmac: string): void {
    if (this.rehashing.has(record.id)) return;
    const hashing = this.limiter.tryRun(() => {
      this.deps.stats.argon2Hashes++;
      return hashSecret(secret, this.deps.argon2);
    });
    if (hashing === null) return;
    const done = hashing
      .then(async (newHash) => {
        const updated = await this.deps.prisma.$executeRawUnsafe(
          'UPDATE "ApiKey" SET "secretHash" = $1 WHERE "id" = $2 AND "secretHash" = $3',
          newHash, record.id, record.secretHash,
        );
        if (updated !== 1) return;
        await this.deps.bus.invalidate({ tenantId: record.tenantId, keyIds: [record.id] });
        this.deps.caches.storeCredential(hmac, { keyId: record.id, tenantId: record.tenantId, matchedHash: newHash }, this.deps.caches.generation);
        this.deps.logger.info({ keyId: record.id }, 'upgraded the stored hash of a key to the current argon2 parameters');
      })
      .catch((error) => this.deps.logger.error({ err: error, keyId: record.id }, 'could not upgrade a key hash'))
      .finally(() => this.rehashing.delete(record.id));
    this.rehashing.set(record.id, done);
  }

  private async verifyAccessToken(text: string, request: VerifyRequest, now: Date): Promise<VerifyOutcome> {
    const { caches, stats, throttle } = this.deps;
    if (!ACCESS_TOKEN_PATTERN.test(text)) {
      stats.rejectedByFormat++;
      return denied('NOT_FOUND', { message: 'The access token is malformed' });
    }
    const address = request.throttleAddress;
    const hash = sha256Hex(text);
    let token = caches.getToken(hash);
    if (token === undefined) {
      const blocked = throttle.blockedUntil(null, address);
      if (blocked !== null) return this.throttled(blocked);
      const generation = caches.generation;
      stats.dbLookups++;
      const row = await this.deps.prisma.accessToken.findUnique({ where: { tokenHash: hash } });
      if (row === null) {
        throttle.fail(null, address);
        return denied('NOT_FOUND');
      }
      token = { id: row.id, tenantId: row.tenantId, keyId: row.apiKeyId, scopes: row.scopes, expiresAt: row.expiresAt, revoked: row.revokedAt !== null } satisfies CachedToken;
      caches.storeToken(hash, token, generation);
    }
    if (request.tenantId !== null && token.tenantId !== request.tenantId) {
      throttle.fail(null, address);
      return denied('NOT_FOUND');
    }
    const lookup = this.record({ id: token.keyId }, address);
    const found = lookup instanceof Promise ? await lookup : lookup;
    if (found.throttledUntil !== undefined) return this.throttled(found.throttledUntil);
    const record = found.record;
    if (record === null) return denied('NOT_FOUND');
    if (request.viaQueryParameter && !record.tenant.allowQueryParamKey) return denied('NOT_FOUND');
    if (token.revoked) return denied('REVOKED', { message: 'The access token has been revoked' });
    if (token.expiresAt <= now) return denied('EXPIRED', { message: 'The access token has expired' });
    const scopes = record.scopes.intersect(scopeSet(token.scopes));
    const decision = decideCachedAccess(record, { now, ip: request.ip, endpoint: request.endpoint, requiredScopes: [] });
    if (!decision.allowed) return denied(decision.code);
    const missing = scopes.missing(request.requiredScopes);
    if (missing.length > 0) return denied('INSUFFICIENT_SCOPES', { missingScopes: missing });
    return this.admit(record, request, now, { credentialType: 'ACCESS_TOKEN', tokenId: token.id, scopes, scopeList: scopes.toArray(), expiresAt: token.expiresAt, secretVersion: null });
  }

  /**
   * After the credential is proven: the rate limits asked for (by default the key's `default`
   * ones) and the usage credits, when the key has them (awaited: Redis, the database), then the
   * verdict. A key with neither is answered at once.
   */
  private admit(record: KeyRecord, request: VerifyRequest, now: Date, credential: ProvenCredential): VerifyOutcome | Promise<VerifyOutcome> {
    const charge = request.charge ?? DEFAULT_CHARGE;
    if (record.limits.size === 0 && !record.usageLimited && charge.rateLimits === null) return this.valid(record, request, now, credential, [], null);
    return this.admitCounted(record, request, now, credential, charge);
  }

  private async admitCounted(record: KeyRecord, request: VerifyRequest, now: Date, credential: ProvenCredential, charge: ChargeRequest): Promise<VerifyOutcome> {
    const toCharge = limitsToCharge(record.limits, charge.rateLimits);
    if (!toCharge.ok) {
      return denied('UNKNOWN_RATE_LIMIT', { message: `The key has no rate limit named "${toCharge.unknown}"`, limitName: toCharge.unknown });
    }
    const charged: { counter: string; cost: number; result: ChargedLimit }[] = [];
    const refund = () => Promise.all(charged.map((c) => this.deps.rateLimiter.refund(c.counter, c.cost)));
    for (const { limit, cost } of toCharge.charges) {
      const result = await this.deps.rateLimiter.hit(limit.counter, { max: limit.limit, windowMs: limit.windowMs }, cost);
      if (!result.allowed) {
        // The limits charged before this one give their share back: a refused request uses nothing.
        await refund();
        this.deps.stats.rateLimited++;
        return denied('RATE_LIMITED', { retryAfter: retryAfterSeconds(result.resetAt), limitName: limit.name });
      }
      charged.push({
        counter: limit.counter,
        cost,
        result: { name: limit.name, level: limit.level, limit: result.limit, remaining: result.remaining, resetAt: new Date(result.resetAt) },
      });
    }
    let remainingUses: number | null = null;
    if (record.usageLimited) {
      this.deps.stats.creditUpdates++;
      remainingUses = await consumeUsageCredit(this.deps.prisma, record.id, now, charge.creditCost);
      if (remainingUses === null) {
        await refund();
        return denied('USAGE_EXCEEDED');
      }
    }
    return this.valid(record, request, now, credential, charged.map((c) => c.result), remainingUses);
  }

  /** The VALID verdict, with the use recorded for the batched write. */
  private valid(
    record: KeyRecord,
    request: VerifyRequest,
    now: Date,
    credential: ProvenCredential,
    rateLimits: ChargedLimit[],
    remainingUses: number | null,
  ): VerifyValid {
    this.deps.usage.record(record.id, now, request.ip ?? request.throttleAddress, {
      tenantId: record.tenantId, endpoint: request.endpoint, request: request.requestInfo, via: request.path,
    });
    const expiresAt = credential.expiresAt !== undefined && (record.expiresAt === null || credential.expiresAt < record.expiresAt) ? credential.expiresAt : record.expiresAt;
    const counted = record.limits.size > 0 || record.usageLimited;
    const reusableUntil = counted
      ? null
      : Math.min(
        now.getTime() + this.deps.options.credentialCacheTtlMs,
        expiresAt === null ? Infinity : expiryInstant(expiresAt),
        // The grace of a rotated-out secret ends then (this proof may have used it).
        record.previousSecretExpiresAt?.getTime() ?? Infinity,
      );
    return {
      valid: true,
      code: 'VALID',
      message: VERIFY_MESSAGES.VALID,
      credentialType: credential.credentialType,
      keyId: record.id,
      publicId: record.publicId,
      tokenId: credential.tokenId,
      tenantId: record.tenantId,
      ownerId: record.ownerId,
      name: record.name,
      scopes: credential.scopes,
      scopeList: credential.scopeList,
      metadata: record.metadata,
      externalId: record.externalId,
      expiresAt,
      rateLimit: tightest(rateLimits),
      rateLimits,
      remainingUses,
      secretVersion: credential.secretVersion,
      reusableUntil,
    };
  }

  /** Waits for background hash upgrades. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.rehashing.values()]);
  }
}

function tightest(limits: ChargedLimit[]): { limit: number; remaining: number; resetAt: Date } | null {
  let least: ChargedLimit | null = null;
  for (const l of limits) if (least === null || l.remaining < least.remaining) least = l;
  return least && { limit: least.limit, remaining: least.remaining, resetAt: least.resetAt };
}
