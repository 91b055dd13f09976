import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Redis } from 'ioredis';
import type { PGlite } from '@electric-sql/pglite';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { CredentialInvalidation } from '../../domain/caller.ts';
import { RecurringLog, type Logger } from '../../logger.ts';
import type { InvalidationChange } from './caches.ts';

/**
 * Carries "this changed, drop what you cached" to every instance.
 *
 * `invalidate` drops the local entries synchronously (so the caller's own next request already
 * sees the change), then publishes on every transport: PostgreSQL NOTIFY (LISTEN on a dedicated
 * connection; PGlite's in-process equivalent on the embedded database) and Redis pub/sub when
 * REDIS_URL is set. Both may run at once; an instance ignores its own messages, and applying one
 * twice is harmless.
 *
 * Notifications are not replayed, so a listener that lost its connection may have missed some:
 * on every (re)connection it drops the whole cache. While every transport is down the caches are told
 * (`onHealth(false)`) and trust entries only for about a second (see VerificationCaches).
 */
const PG_CHANNEL = 'keywarden_invalidation';
/** NOTIFY payloads must stay under 8000 bytes; beyond this a change widens to its whole tenant. */
const MAX_PAYLOAD = 7_000;
const READY_TIMEOUT_MS = 3_000;
/** While a transport keeps failing to publish, one reminder line at most this often. */
const PUBLISH_REMINDER_MS = 60_000;
/** application_name of the LISTEN connection (visible in pg_stat_activity). */
const LISTENER_NAME = 'keywarden-invalidation';

interface Message {
  /** Origin instance. */
  o: string;
  t: string;
  k?: readonly string[];
}

export interface Transport {
  readonly name: string;
  readonly connected: boolean;
  start(): Promise<void>;
  publish(payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface TransportEvents {
  message(payload: string): void;
  /**
   * The transport (re)connected. Anything cached before may have missed notifications (none are
   * replayed), so the cache is dropped; `first` only decides whether that is worth a warning.
   */
  connected(first: boolean): void;
  stateChanged(): void;
}

export class InvalidationBus implements CredentialInvalidation {
  readonly instanceId = randomUUID();
  private readonly transports: Transport[] = [];
  private readonly started: Promise<void>;
  /** Invalidations received from other instances (for tests and metrics). */
  received = 0;
  /** Reconnections after a lost connection, by transport index (metrics). */
  private readonly reconnects: number[] = [];
  /** Per transport: consecutive failed publishes, and when the last reminder was logged. */
  private readonly publishing: { failures: number; reminder: RecurringLog }[] = [];

  constructor(
    private readonly handlers: {
      apply(change: InvalidationChange): void;
      dropAll(): void;
      onHealth(healthy: boolean): void;
      /** A change made here, after the local caches dropped it and before it is published (the change feed). */
      record?(change: InvalidationChange): Promise<void>;
      /** A change announced by another instance, after `apply`. */
      received?(change: InvalidationChange): void;
    },
    factories: ((events: TransportEvents) => Transport)[],
    private readonly logger: Logger,
  ) {
    const eventsOf = (index: number): TransportEvents => ({
      message: (payload) => this.receive(payload),
      connected: (first) => {
        if (!first) {
          this.reconnects[index]!++;
          this.logger.warn('invalidation listener reconnected: dropping the verification cache');
        }
        this.handlers.dropAll();
      },
      stateChanged: () => this.handlers.onHealth(this.healthy),
    });
    factories.forEach((factory, index) => {
      this.reconnects.push(0);
      this.transports.push(factory(eventsOf(index)));
    });
    // Until a listener is connected, cached entries are trusted only briefly.
    this.handlers.onHealth(this.healthy);
    const attempts = Promise.all(
      this.transports.map((t) =>
        t.start().catch((error) => this.logger.error({ err: error, transport: t.name }, 'invalidation listener could not start; retrying')),
      ),
    );
    // An unreachable Redis keeps its first subscribe pending: start serving (degraded) anyway.
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, READY_TIMEOUT_MS).unref());
    this.started = Promise.race([attempts, timeout]).then(() => this.handlers.onHealth(this.healthy));
  }

  /** Resolves once every transport has made its first connection attempt. */
  ready(): Promise<void> {
    return this.started;
  }

  /** True when there is no transport to wait for, or at least one is connected. */
  get healthy(): boolean {
    return this.transports.length === 0 || this.transports.some((t) => t.connected);
  }

  get transportNames(): string[] {
    return this.transports.map((t) => t.name);
  }

  /** Each listener: its transport, whether it is connected, and how often it reconnected. */
  get listeners(): { transport: string; connected: boolean; reconnects: number }[] {
    return this.transports.map((t, i) => ({ transport: t.name, connected: t.connected, reconnects: this.reconnects[i]! }));
  }

  async invalidate(change: { tenantId: string; keyIds?: string[] }): Promise<void> {
    const normalized: InvalidationChange = change.keyIds === undefined ? { tenantId: change.tenantId } : { tenantId: change.tenantId, keyIds: [...change.keyIds] };
    this.handlers.apply(normalized);
    // Written before it is published, so an instance woken by the message finds it.
    await this.handlers.record?.(normalized);
    if (this.transports.length === 0) return;
    let payload = JSON.stringify({ o: this.instanceId, t: normalized.tenantId, ...(normalized.keyIds ? { k: normalized.keyIds } : {}) } satisfies Message);
    if (payload.length > MAX_PAYLOAD) payload = JSON.stringify({ o: this.instanceId, t: normalized.tenantId } satisfies Message);
    const results = await Promise.allSettled(this.transports.map((t) => t.publish(payload)));
    results.forEach((result, i) => this.publishOutcome(i, normalized.tenantId, result.status === 'rejected' ? { error: result.reason } : null));
  }

  /**
   * One error line when a transport starts failing to publish (naming it and the cause), then
   * silence while it keeps failing but for one reminder a minute with the count, and one info line
   * when it publishes again: a retry storm or a burst of changes is one event, not a line each.
   */
  private publishOutcome(index: number, tenantId: string, failure: { error: unknown } | null): void {
    const transport = this.transports[index]!.name;
    const state = (this.publishing[index] ??= { failures: 0, reminder: new RecurringLog(PUBLISH_REMINDER_MS) });
    if (failure === null) {
      if (state.failures > 0) this.logger.info({ transport, failures: state.failures }, 'cache invalidations publish again');
      state.failures = 0;
      return;
    }
    const first = state.failures === 0;
    state.failures++;
    if (first) state.reminder = new RecurringLog(PUBLISH_REMINDER_MS);
    if (state.reminder.take() === null) return;
    // Other instances relying on this transport see the change only when their entries' TTL ends.
    this.logger.error(
      { transport, err: failure.error, failures: state.failures, tenantId },
      first ? `could not publish a cache invalidation on ${transport}` : `still cannot publish cache invalidations on ${transport}`,
    );
  }

  private receive(payload: string): void {
    let message: Message;
    try {
      message = JSON.parse(payload) as Message;
    } catch {
      this.logger.warn('ignoring a malformed invalidation message');
      return;
    }
    if (typeof message?.t !== 'string') return;
    if (message.o === this.instanceId) return;
    this.received++;
    const keyIds = Array.isArray(message.k) ? message.k.filter((k): k is string => typeof k === 'string') : undefined;
    const change = keyIds ? { tenantId: message.t, keyIds } : { tenantId: message.t };
    this.handlers.apply(change);
    this.handlers.received?.(change);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.transports.map((t) => t.close()));
  }
}

/** Reconnection delays: 100 ms doubling to 5 s. */
function backoff(attempt: number): number {
  return Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
}

/** PostgreSQL: LISTEN on a dedicated connection, NOTIFY through the application's pool. */
export function postgresTransport(url: string, prisma: PrismaClient, logger: Logger, heartbeatMs = 5_000) {
  return (events: TransportEvents): Transport => {
    let client: pg.Client | null = null;
    let connected = false;
    let closed = false;
    let everConnected = false;
    let attempt = 0;
    let retryTimer: NodeJS.Timeout | undefined;
    let heartbeat: NodeJS.Timeout | undefined;

    const setConnected = (value: boolean) => {
      if (connected === value) return;
      connected = value;
      events.stateChanged();
    };

    const lost = (current: pg.Client, error?: unknown) => {
      if (client !== current) return;
      client = null;
      clearInterval(heartbeat);
      setConnected(false);
      current.removeAllListeners('notification');
      current.end().catch(() => {});
      if (closed) return;
      logger.warn({ err: error }, 'PostgreSQL invalidation listener disconnected; reconnecting');
      retryTimer = setTimeout(() => void connect().catch(() => {}), backoff(attempt++));
      retryTimer.unref();
    };

    const connect = async (): Promise<void> => {
      if (closed) return;
      const current = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5_000, query_timeout: 5_000, application_name: LISTENER_NAME });
      client = current;
      current.on('error', (error) => lost(current, error));
      current.on('end', () => lost(current));
      current.on('notification', (n) => {
        if (n.channel === PG_CHANNEL && n.payload) events.message(n.payload);
      });
      try {
        await current.connect();
        await current.query(`LISTEN ${PG_CHANNEL}`);
      } catch (error) {
        lost(current, error);
        throw error;
      }
      if (closed || client !== current) return;
      attempt = 0;
      events.connected(!everConnected);
      everConnected = true;
      setConnected(true);
      // A half-open TCP connection delivers nothing and reports nothing: ask now and then.
      heartbeat = setInterval(() => {
        current.query('SELECT 1').catch((error) => lost(current, error));
      }, heartbeatMs);
      heartbeat.unref();
    };

    return {
      name: 'postgres',
      get connected() {
        return connected;
      },
      start: connect,
      publish: async (payload) => {
        // $executeRaw: pg_notify returns void, a column type $queryRaw cannot read (P2010 after
        // the notification was already sent).
        await prisma.$executeRawUnsafe('SELECT pg_notify($1, $2)', PG_CHANNEL, payload);
      },
      close: async () => {
        closed = true;
        clearTimeout(retryTimer);
        clearInterval(heartbeat);
        const current = client;
        client = null;
        connected = false;
        if (current) await current.end().catch(() => {});
      },
    };
  };
}

/** PGlite: the embedded database's own LISTEN/NOTIFY (one process, but the same code path). */
export function pgliteTransport(pglite: PGlite) {
  return (events: TransportEvents): Transport => {
    let unlisten: (() => Promise<void>) | null = null;
    return {
      name: 'pglite',
      get connected() {
        return unlisten !== null;
      },
      start: async () => {
        unlisten = await pglite.listen(PG_CHANNEL, (payload) => events.message(payload));
      },
      publish: async (payload) => {
        await pglite.query('SELECT pg_notify($1, $2)', [PG_CHANNEL, payload]);
      },
      close: async () => {
        const stop = unlisten;
        unlisten = null;
        if (stop && !pglite.closed) await stop().catch(() => {});
      },
    };
  };
}

/** Redis pub/sub: a subscriber connection of its own; publishing through the shared client. */
export function redisTransport(subscriber: Redis, publisher: Redis, channel: string, logger: Logger) {
  return (events: TransportEvents): Transport => {
    let connected = false;
    let everConnected = false;
    const setConnected = (value: boolean) => {
      if (connected === value) return;
      connected = value;
      events.stateChanged();
    };
    subscriber.on('message', (ch: string, payload: string) => {
      if (ch === channel) events.message(payload);
    });
    // ioredis re-subscribes by itself after a reconnect; 'ready' follows.
    subscriber.on('ready', () => {
      events.connected(!everConnected);
      everConnected = true;
      setConnected(true);
    });
    subscriber.on('close', () => setConnected(false));
    subscriber.on('error', (error: Error) => logger.warn({ err: error.message }, 'Redis invalidation listener error'));
    return {
      name: 'redis',
      get connected() {
        return connected;
      },
      start: async () => {
        await subscriber.subscribe(channel);
        // Connected by now ('ready' has fired, and with it the first cache drop).
        everConnected = true;
        setConnected(true);
      },
      publish: async (payload) => {
        await publisher.publish(channel, payload);
      },
      close: async () => {
        connected = false;
        subscriber.disconnect();
      },
    };
  };
}
