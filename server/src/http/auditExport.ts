import type { Plugin } from 'graphql-yoga';
import type { App } from '../appTypes.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { requestInfo, type Context, type ServerContext } from '../context.ts';
import { scopeToTenant } from '../db/tenantScope.ts';
import { BadRequestError, HTTP_STATUS, KeywardenError } from '../domain/errors.ts';
import { idPrefixOf } from '../domain/ids.ts';
import { auditEventsInOrder } from '../services/audit.ts';
import { authenticate } from '../services/authentication.ts';
import { presentedCredential } from './credentials.ts';
import { auditEventSeq } from '../services/auditStream.ts';
import { auditReadTenant } from '../services/authorization.ts';

export const AUDIT_EXPORT_PATH = '/v1/audit/export';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
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
export function useAuditExport(app: App): Plugin<Record<string, unknown>, ServerContext> {
  return {
    onRequest({ request, url, endResponse, serverContext, fetchAPI }) {
      if (url.pathname !== AUDIT_EXPORT_PATH) return;
      return exportAudit(app, request, url, serverContext, fetchAPI).then(endResponse);
    },
  };
}

type FetchAPI = { Response: typeof Response; ReadableStream: typeof ReadableStream };

async function exportAudit(app: App, request: Request, url: URL, serverContext: ServerContext, fetchAPI: FetchAPI): Promise<Response> {
  const info = requestInfo(app, request, serverContext);
  const error = (status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    new fetchAPI.Response(JSON.stringify({ error: { code, message, requestId: info.id, ...extra } }), { status, headers: { ...JSON_HEADERS, ...headers } });

  if (request.method !== 'GET') return error(405, 'METHOD_NOT_ALLOWED', 'Use GET', {}, { allow: 'GET' });
  try {
    const caller = await authenticate(app, presentedCredential(request), info);
    if (caller.kind === 'anonymous') return error(401, 'UNAUTHENTICATED', 'Authenticate with a credential of your tenant that holds audit:read');
    // The same confinement as the GraphQL context: a tenant caller's client sees only its tenant.
    const db = caller.kind === 'platform' ? app.db.prisma : scopeToTenant(app.db.prisma, caller.tenantId);
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
          app.logger.error({ err: caught, requestId: info.id }, 'audit export failed');
          controller.error(caught);
        }
      },
      async cancel() {
        await events.return(undefined);
      },
    });
    return new fetchAPI.Response(body, {
      status: 200,
      headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-request-id': info.id },
    });
  } catch (caught) {
    if (caught instanceof KeywardenError) return error(HTTP_STATUS[caught.code], caught.code, caught.message, caught.details());
    app.logger.error({ err: caught, requestId: info.id }, 'unexpected error in audit export');
    return error(500, 'INTERNAL_SERVER_ERROR', `Unexpected error (request id ${info.id})`);
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
