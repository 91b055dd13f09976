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
