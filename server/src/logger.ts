import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

// Credentials must never reach a log line, whatever a caller passes in.
const REDACT = [
  'secret', '*.secret', 'password', '*.password', 'token', '*.token', 'key', '*.key',
  'headers.authorization', 'headers["x-api-key"]', 'req.headers.authorization', 'req.headers["x-api-key"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { service: 'keywarden' }, redact: { paths: REDACT, censor: '[redacted]' } },
    destination,
  );
}

/**
 * For a condition that can recur many times a second (an outage, a retry storm): the first
 * occurrence is logged, then at most one line per interval, saying how many were left out.
 */
export class RecurringLog {
  private lastAt = -Infinity;
  private skipped = 0;
  constructor(private readonly intervalMs: number, private readonly now: () => number = Date.now) {}

  /** null: stay silent; otherwise log, with this many occurrences left out since the last line. */
  take(): number | null {
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) {
      this.skipped++;
      return null;
    }
    const skipped = this.skipped;
    this.lastAt = now;
    this.skipped = 0;
    return skipped;
  }
}
