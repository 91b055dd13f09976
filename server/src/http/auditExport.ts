import type { App } from '../appTypes.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { requestIdOf, resolveRequest, type Context } from '../context.ts';
import { AuthenticationError, BadRequestError, MethodNotAllowedError } from '../domain/errors.ts';
import { idPrefixOf } from '../domain/ids.ts';
import { auditEventsInOrder } from '../services/audit.ts';
import { auditEventSeq } from '../services/auditStream.ts';
import { auditReadTenant } from '../services/authorization.ts';
import { restFailure } from './errors.ts';
import type { RestReply } from './reply.ts';
import type { FetchAPI, RestRequest } from './rest.ts';

export const AUDIT_EXPORT_PATH = '/v1/audit/export';

// An ISO-8601 date, or date-time with a zone (a time without one would depend on the server's zone).
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const SINCE_HELP = 'since must be an audit event id (aud_…) or an ISO-8601 time such as 2026-01-31T00:00:00Z';

/**
 * GET /v1/audit/export?since=<event id | ISO time>[&tenantId=…] as newline-delimited JSON: one
 * event per line in seq order, each with every field its hash covers, so a SIEM can check the
 * chain itself. `since` an id: the events after it; a time: events created at or after it; absent:
 * everything kept. Ends at the newest event when the export started. Authenticated like the
 * management API (any credential form), scope audit:read; the platform operator names the tenant.
 */
export async function auditExportRoute(app: App, http: RestRequest, fetchAPI: FetchAPI): Promise<RestReply> {
  const { request } = http;
  const url = new URL(request.url);
  const requestId = requestIdOf(request);
  try {
    if (request.method !== 'GET') throw new MethodNotAllowedError('GET');
    const { info, caller, db } = await resolveRequest(app, request, http.server);
    if (caller.kind === 'anonymous') throw new AuthenticationError('Authenticate with a credential of your tenant that holds audit:read');
    const ctx: Context = { app, caller, db, unscoped: app.db.prisma, afterCommit: null, request: info };
    const tenantId = await auditReadTenant(ctx, url.searchParams.get('tenantId'), ['tenantId']);
    const since = parseSince(url.searchParams.get('since'));
    const afterSeq = since?.kind === 'id' ? await auditEventSeq(ctx.db, tenantId, since.id) : 0;
    const where: Prisma.AuditEventWhereInput = since?.kind === 'time' ? { createdAt: { gte: since.time } } : {};
    const newest = await ctx.db.auditEvent.findFirst({ where: { tenantId }, orderBy: { seq: 'desc' }, select: { seq: true } });
    const events = auditEventsInOrder(ctx.db, tenantId, { afterSeq, throughSeq: newest?.seq ?? 0, where });

    const encoder = new TextEncoder();
    // Pulled as the client reads: one batch of events in memory at a time, whatever the trail's size.
    const body = new fetchAPI.ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await events.next();
          if (next.done) return controller.close();
          controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
        } catch (caught) {
          // The status is sent already: breaking the stream tells the client the export is incomplete.
          app.logger.error({ err: caught, requestId }, 'audit export failed');
          controller.error(caught);
        }
      },
      async cancel() {
        await events.return(undefined);
      },
    });
    return {
      status: 200,
      headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-request-id': requestId },
      body,
    };
  } catch (caught) {
    return restFailure(app.logger, caught, { requestId, route: AUDIT_EXPORT_PATH });
  }
}

type Since = { kind: 'id'; id: string } | { kind: 'time'; time: Date };

function parseSince(value: string | null): Since | null {
  if (value === null || value === '') return null;
  if (idPrefixOf(value) === 'aud') return { kind: 'id', id: value };
  const time = ISO_TIME.test(value) ? new Date(value) : null;
  if (!time || Number.isNaN(time.getTime())) throw new BadRequestError(`${SINCE_HELP}; got ${JSON.stringify(value.slice(0, 64))}`);
  return { kind: 'time', time };
}
