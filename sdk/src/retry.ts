// When and how long to wait before trying a request again.
//
// Retried: HTTP 429 and 503 (and RATE_LIMITED answers), which the server gives before doing any
// work, so they are safe for mutations too; and network failures and timeouts: for queries always,
// for GraphQL mutations too, since each carries one Idempotency-Key for all its attempts (the server
// answers a repeat with the first answer); for REST posts only when the request surely never
// reached the server (connection refused, DNS failure).

export interface RetryOptions {
  /** Attempts in all, the first included. 1 turns retries off. Default 3. */
  maxAttempts: number;
  /** First backoff step; each retry doubles it (with full jitter). Default 250 ms. */
  baseDelayMs: number;
  /** Largest backoff step. Default 8 s. */
  maxDelayMs: number;
  /**
   * The longest Retry-After the client will wait for. A longer one (e.g. a 15-minute login lockout)
   * is thrown at once as RateLimitedError with its `retryAfter`. Default 60 s.
   */
  maxRetryAfterMs: number;
  /** Told before each wait, e.g. to log it. */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  /** The attempt that failed (1 = the first). */
  attempt: number;
  delayMs: number;
  error: Error;
  operation: string;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
});

export function retryOptions(input: Partial<RetryOptions> | false | undefined): RetryOptions {
  if (input === false) return { ...DEFAULT_RETRY, maxAttempts: 1 };
  const merged = { ...DEFAULT_RETRY, ...input };
  merged.maxAttempts = Math.max(1, Math.floor(merged.maxAttempts));
  return merged;
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * The wait for a retry that the server timed with Retry-After: at least what it asked for, plus a
 * little jitter so that many clients told the same second do not return together.
 */
export function retryAfterDelay(retryAfterMs: number, options: RetryOptions, random: () => number = Math.random): number {
  return retryAfterMs + Math.round(random() * Math.min(options.baseDelayMs, 1_000));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Error codes of a connection that was never established: the request cannot have arrived. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

/** Whether a fetch failure proves the request never reached the server. */
export function surelyNotSent(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && NOT_SENT_CODES.has(e.code)) return true;
    if (Array.isArray(e.errors) && e.errors.some((inner: unknown) => surelyNotSent(inner))) return true;
  }
  return false;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as any signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
