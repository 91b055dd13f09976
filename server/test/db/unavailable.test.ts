import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { isDatabaseUnavailable } from '../../src/db/unavailable.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { openTestDatabase } from '../harness/database.ts';

// Which failures mean "the database cannot be reached now" (answered 503) and which do not (500,
// or the error's own answer). The Prisma errors are shaped exactly as Prisma 7 with the pg driver
// adapter raised them against PostgreSQL 15 (pg_terminate_backend, ALLOW_CONNECTIONS false, a
// closed port); the socket errors are real.

const clientVersion = '7.10.0';

/** A Prisma error carrying the driver adapter's cause, as the client raises it. */
function prismaError(code: string, cause: Record<string, unknown>, message = 'Invalid `prisma.apiKey.findUnique()` invocation') {
  return new Prisma.PrismaClientKnownRequestError(message, {
    code,
    clientVersion,
    meta: { driverAdapterError: Object.assign(new Error(String(cause.message ?? cause.kind)), { name: 'DriverAdapterError', cause }) },
  });
}

const terminated = { originalCode: '57P01', originalMessage: 'terminating connection due to administrator command', kind: 'postgres', code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' };
const notAccepting = { originalCode: '55000', originalMessage: 'database "kw" is not currently accepting connections', kind: 'postgres', code: '55000', severity: 'FATAL', message: 'database "kw" is not currently accepting connections' };

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a terminated connection in a model query (P2039, 57P01)', prismaError('P2039', terminated)],
    ['a terminated connection in a raw query (P2010, 57P01)', prismaError('P2010', terminated)],
    ['an unwrapped DriverAdapterError (transaction start)', Object.assign(new Error(terminated.message), { name: 'DriverAdapterError', cause: terminated })],
    ['a database not accepting connections (55000 FATAL)', prismaError('P2039', notAccepting)],
    ['a database dropped under the server (3D000 FATAL)', prismaError('P2039', { ...notAccepting, code: '3D000', originalCode: '3D000', message: 'database "kw" does not exist' })],
    ['Prisma: the database does not exist (P1003)', prismaError('P1003', {})],
    ['P1001 can\'t reach', prismaError('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })],
    ['P1017 connection closed', prismaError('P1017', { kind: 'ConnectionClosed' })],
    ['P1008 socket timeout', prismaError('P1008', { kind: 'SocketTimeout' })],
    ['P2037 too many connections', prismaError('P2037', { originalCode: '53300', kind: 'TooManyConnections', cause: 'sorry, too many clients already' })],
    ['P1002 and P2024 (no adapter cause)', new Prisma.PrismaClientKnownRequestError('Timed out fetching a new connection from the connection pool', { code: 'P2024', clientVersion })],
    ['57P02 crash shutdown', prismaError('P2039', { ...terminated, originalCode: '57P02', code: '57P02' })],
    ['57P03 cannot connect now', prismaError('P2039', { ...terminated, originalCode: '57P03', code: '57P03' })],
    ['class 08 connection failure', prismaError('P2039', { kind: 'postgres', originalCode: '08006', code: '08006', severity: 'FATAL', message: 'connection failure' })],
    ['pg: not queryable after a connection error', new Error('Client has encountered a connection error and is not queryable')],
    ['pg: connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
    ['pg-pool: connection timeout', new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') })],
    ['pg-pool: checkout timeout', new Error('timeout exceeded when trying to connect')],
    ['a closed PGlite', new Error('PGlite is closed')],
    ['ECONNREFUSED several addresses deep', new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], 'connect failed')],
    ['wrapped in a cause chain', new Error('while loading', { cause: prismaError('P2010', terminated) })],
  ])('yes: %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (P2002)', prismaError('P2002', { originalCode: '23505', kind: 'UniqueConstraintViolation', constraint: { fields: ['slug'] } })],
    ['a void column read with $queryRaw (P2010, UnsupportedNativeDataType)', prismaError('P2010', { kind: 'UnsupportedNativeDataType', type: 'void' })],
    ['a missing table (P2021)', prismaError('P2021', { originalCode: '42P01', kind: 'TableDoesNotExist', table: 'public.Tenant' })],
    ['bad credentials (P1000): configuration, not an outage', prismaError('P1000', { originalCode: '28P01', kind: 'AuthenticationFailed', user: 'kw' })],
    ['55000 as an ordinary ERROR', prismaError('P2010', { ...notAccepting, severity: 'ERROR', message: 'cannot perform this operation' })],
    ['3D000 as an ordinary ERROR', prismaError('P2010', { ...notAccepting, code: '3D000', originalCode: '3D000', severity: 'ERROR', message: 'cross-database references are not implemented' })],
    ['a serialization failure (P2034)', prismaError('P2034', { originalCode: '40001', kind: 'TransactionWriteConflict' })],
    ['a query canceled by statement_timeout (57014)', prismaError('P2010', { kind: 'postgres', originalCode: '57014', code: '57014', severity: 'ERROR', message: 'canceling statement due to statement timeout' })],
    ['a message that merely mentions a terminated connection', new Error('The upstream said: Connection terminated')],
    ['an expected error', ValidationError.field('input', 'bad')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['null', null],
    ['a string', 'Connection terminated'],
  ])('no: %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('survives a cycle of causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });

  it('yes: a real refused connection, through pg and through Prisma', async () => {
    // Port 1 on the loopback: nothing listens there, the kernel refuses at once.
    const url = 'postgres://keywarden@127.0.0.1:1/keywarden';
    const client = new pg.Client({ connectionString: url });
    const raw = await client.connect().then(() => null, (error: unknown) => error);
    expect(raw).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(raw)).toBe(true);

    const db = await openDatabase({ kind: 'postgres', url });
    try {
      const error = await db.ping().then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await db.close();
    }
  });
});

// Real errors, raised while a PostgreSQL server terminates the connections under load: each one
// must be classified as an outage, and none may escape as an unhandled 'error' event (which ends
// the process: a connection terminated just as the pool hands it to a transaction has no listener
// unless database.ts gives it one). PGlite has no connections to terminate.
describe.runIf(process.env.TEST_DATABASE_URL)('connections terminated under load (PostgreSQL)', () => {
  it('every error is classified unavailable, and the process survives', async () => {
    const db = await openTestDatabase();
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const dbName = new URL(db.url!).pathname.slice(1);
    const errors: unknown[] = [];
    let done = 0;
    let stopped = false;
    let wake = () => {};
    const workers = Array.from({ length: 8 }, async (_, i) => {
      while (!stopped) {
        try {
          // Transactions check a connection out of the pool; single queries go through pool.query.
          if (i % 2 === 0) await db.prisma.$transaction(async (tx) => { await tx.apiKey.findFirst(); await tx.$executeRawUnsafe('SELECT 1'); });
          else await db.prisma.apiKey.findUnique({ where: { publicId: 'none' } });
        } catch (error) {
          errors.push(error);
        }
        done++;
        wake();
      }
    });
    /** Resolves after `n` more operations (bounded: the workers never stop on their own). */
    const operations = (n: number) => {
      const target = done + n;
      return new Promise<void>((resolve) => {
        wake = () => done >= target && resolve();
      });
    };
    try {
      for (let round = 0; round < 30; round++) {
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
        await operations(16);
      }
    } finally {
      stopped = true;
      await Promise.all(workers);
      await admin.end();
      await db.dispose();
    }
    expect(errors.length).toBeGreaterThan(0);
    const unclassified = errors.filter((e) => !isDatabaseUnavailable(e)).map((e) => String((e as Error)?.message ?? e).slice(0, 300));
    expect(unclassified).toEqual([]);
  }, 120_000);
});
