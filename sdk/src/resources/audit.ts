import { AuditEventsSubscription, ListAuditEventsQuery, VerifyAuditChainQuery } from '../operations/audit.ts';
import { AbortedError, NetworkError } from '../errors.ts';
import { backoffDelay, sleep } from '../retry.ts';
import type { CallOptions, SubscribeOptions, Transport } from '../transport.ts';
import type { AuditChainVerification, AuditEvent, AuditEventFilter } from '../types.ts';
import { reviveDatesAs } from '../transport/dates.ts';
import { listed } from './shared.ts';

/** Export lines with their times as Dates, like every other result. */
async function* reviveEach(lines: AsyncGenerator<AuditEvent, void, undefined>): AsyncGenerator<AuditEvent, void, undefined> {
  for await (const line of lines) yield reviveDatesAs('AuditEvent', line);
}

export interface AuditListFilter extends AuditEventFilter {
  /** Platform operator only. */
  tenantId?: string;
}

export interface AuditStreamOptions extends SubscribeOptions {
  /**
   * Start after this event. Default: the tenant's newest event when the stream starts, so the
   * stream delivers every event from then on, none twice, across reconnections.
   */
  afterId?: string | null;
  /** Platform operator only. */
  tenantId?: string;
}

export interface AuditExportOptions extends SubscribeOptions {
  /** An event id (`aud_…`: the events after it) or an ISO time (events at or after it). Default: everything kept. */
  since?: string;
  /** Platform operator only. */
  tenantId?: string;
}

export function auditResource(t: Transport) {
  const list = listed<AuditEvent, AuditListFilter>(t, ListAuditEventsQuery);

  return {
    /** The audit trail, newest first (by seq), with filters (actor, action or `key.` prefix, target, time). */
    ...list,

    /** Checks the tenant's hash chain: every kept event present and unaltered. */
    async verifyChain(options: { tenantId?: string } = {}, call?: CallOptions): Promise<AuditChainVerification> {
      return (await t.request(VerifyAuditChainQuery, { tenantId: options.tenantId ?? null }, call)).verifyAuditChain;
    },

    /**
     * Live events, oldest first, as they are committed — an endless async iterable (stop with
     * `break` or an AbortSignal). It reconnects by itself, resuming after the last event it
     * delivered: when the server ends a stream (every 15 minutes, to authenticate again) and after
     * network failures (with backoff, up to the retry policy's attempts in a row).
     */
    async *stream(options: AuditStreamOptions = {}): AsyncGenerator<AuditEvent, void, undefined> {
      const { afterId: start, tenantId, ...subscribe } = options;
      let afterId = start ?? null;
      if (start === undefined) {
        const newest = await list.page({ first: 1, filter: tenantId ? { tenantId } : undefined }, subscribe);
        afterId = newest.items[0]?.id ?? null;
      }
      let failures = 0;
      for (;;) {
        try {
          for await (const data of t.subscribe(AuditEventsSubscription, { afterId, tenantId: tenantId ?? null }, subscribe)) {
            failures = 0;
            afterId = data.auditEvents.id;
            yield data.auditEvents as AuditEvent;
          }
          failures = 0;
        } catch (error) {
          if (!(error instanceof NetworkError) || ++failures >= t.retry.maxAttempts) throw error;
          const delayMs = backoffDelay(failures, t.retry);
          t.retry.onRetry?.({ attempt: failures, delayMs, error, operation: 'AuditEventsStream' });
          await sleep(delayMs, t.outerSignal(subscribe)).catch((reason: unknown) => {
            throw new AbortedError({ message: 'AuditEventsStream was aborted', operation: 'AuditEventsStream', cause: reason });
          });
        }
      }
    },

    /**
     * GET /v1/audit/export: every kept event (or those after `since`) oldest first, each with all
     * the fields its hash covers, read line by line as they arrive; ends at the newest event.
     */
    export(options: AuditExportOptions = {}): AsyncGenerator<AuditEvent, void, undefined> {
      const { since, tenantId, ...call } = options;
      return reviveEach(t.getLines<AuditEvent>('/v1/audit/export', { since, tenantId }, call));
    },
  };
}
