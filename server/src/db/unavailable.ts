// Which failures mean "the database cannot be reached right now" (an outage, a restart, a failover,
// connections being terminated), as opposed to a bug or a bad query. Callers answer those with
// 503 and Retry-After instead of 500: nothing was decided, and asking again later is right.
import { ServiceUnavailableError } from '../domain/errors.ts';
import { RecurringLog, type Logger } from '../logger.ts';

/** Seconds a caller is asked to wait when the database cannot be reached. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/**
 * Prisma's codes for a server it cannot reach or that went away: P1001 can't reach, P1002 timed
 * out reaching, P1008 operation timed out, P1017 server closed the connection, P2024 timed out
 * waiting for a pooled connection, P2037 too many connections; P1003 the database does not exist
 * (dropped or renamed under a running server: it cannot be reached either).
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1003', 'P1008', 'P1017', 'P2024', 'P2037']);

/** The driver adapter's kinds for the same (Prisma maps them to the codes above). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'DatabaseDoesNotExist', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/**
 * SQLSTATEs of a server that ended or refused the session: 57P01 admin_shutdown (also
 * pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting or stopping),
 * 53300 too_many_connections; and class 08 (connection exception) below.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * node-postgres and pg-pool raise these with no code; PGlite says it is closed. Matched at the
 * start of the message, exactly as those libraries word them.
 */
const MESSAGES = [
  'Connection terminated', // "… unexpectedly", "… due to connection timeout"
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'PGlite is closed',
];

/** True when `error` (or what it wraps) says the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  // Errors wrap errors: Prisma's meta.driverAdapterError, a DriverAdapterError's cause (a plain
  // object), `cause` chains, AggregateError (one per address tried).
  while (pending.length > 0) {
    const e = pending.pop();
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    if (signalsUnavailable(e as Record<string, unknown>)) return true;
    const { cause, meta, errors } = e as { cause?: unknown; meta?: { driverAdapterError?: unknown }; errors?: unknown };
    pending.push(cause, meta?.driverAdapterError);
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return false;
}

function signalsUnavailable(e: Record<string, unknown>): boolean {
  const { code, kind, originalCode, severity, message } = e;
  if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true;
  for (const c of [code, originalCode]) {
    if (typeof c !== 'string') continue;
    if (PRISMA_CODES.has(c) || SOCKET_CODES.has(c) || SQLSTATES.has(c) || /^08[0-9A-Z]{3}$/.test(c)) return true;
    // 55000 object_not_in_prerequisite_state is FATAL only at connection time: "database … is not
    // currently accepting connections" (ALLOW_CONNECTIONS false).
    if (c === '55000' && severity === 'FATAL') return true;
    // 3D000 invalid_catalog_name, FATAL at connection time: the database is gone.
    if (c === '3D000' && severity === 'FATAL') return true;
  }
  return typeof message === 'string' && MESSAGES.some((m) => message.startsWith(m));
}

const OUTAGE_LOG_INTERVAL_MS = 10_000;
const outageLogs = new WeakMap<Logger, RecurringLog>();

/**
 * What to answer for an error that isDatabaseUnavailable: a ServiceUnavailableError. Logged at
 * warn, once, then at most once every 10 s with the number of refusals in between (an outage
 * under load would otherwise write a line per request).
 */
export function serviceUnavailable(logger: Logger, cause: unknown, context: Record<string, unknown> = {}): ServiceUnavailableError {
  let log = outageLogs.get(logger);
  if (log === undefined) outageLogs.set(logger, (log = new RecurringLog(OUTAGE_LOG_INTERVAL_MS)));
  const skipped = log.take();
  if (skipped !== null) {
    const err = cause instanceof Error ? cause.message : String(cause);
    logger.warn({ ...context, err, refusedSinceLastLine: skipped }, 'the database cannot be reached: answered 503');
  }
  return new ServiceUnavailableError(UNAVAILABLE_RETRY_AFTER_SECONDS);
}
