import type { App } from '../appTypes.ts';
import { requestIdOf, resolveRequest } from '../context.ts';
import { AuthenticationError, ForbiddenError, MethodNotAllowedError } from '../domain/errors.ts';
import type { CredentialChangeEvent } from '../services/verification/credentialChanges.ts';
import { restFailure } from './errors.ts';
import type { RestReply } from './reply.ts';
import type { FetchAPI, RestRequest } from './rest.ts';

export const INVALIDATIONS_PATH = '/v1/invalidations';
const VERIFY_SCOPE = 'keys:verify';

/** A comment line this often, so a client notices a dead stream (and proxies keep it open). */
export const INVALIDATIONS_HEARTBEAT_MS = 5_000;
/** A stream ends after this long; the client resumes with Last-Event-ID and is authenticated again. */
export const INVALIDATIONS_MAX_STREAM_MS = 5 * 60_000;

/**
 * GET /v1/invalidations: the caller's tenant's credential changes as server-sent events, for the
 * verdict caches of resource servers. Authenticated like POST /v1/verify (keys:verify).
 *
 *   event: ready       id: <seq>  caught up (what came after Last-Event-ID was sent before it); live from here
 *   event: invalidate  id: <seq>  data {"keyIds": [...]} or {"tenant": true}: drop those verdicts
 *   event: reset       id: <seq>  Last-Event-ID cannot be continued (too old, or unknown): drop all
 *   : ping                        a heartbeat every INVALIDATIONS_HEARTBEAT_MS
 *
 * `Last-Event-ID` (header, or `lastEventId` query parameter) resumes after that id. The stream ends
 * after INVALIDATIONS_MAX_STREAM_MS, and at once after a change of the caller's own credential.
 */
export async function invalidationsRoute(app: App, http: RestRequest, fetchAPI: FetchAPI): Promise<RestReply> {
  const { request } = http;
  const requestId = requestIdOf(request);
  try {
    if (request.method !== 'GET') throw new MethodNotAllowedError('GET');
    const { caller, db } = await resolveRequest(app, request, http.server);
    if (caller.kind === 'anonymous') throw new AuthenticationError('Authenticate with a credential of your tenant that holds keys:verify');
    if (caller.kind === 'platform') throw new ForbiddenError([VERIFY_SCOPE], 'Invalidation streams need a credential of the tenant');
    if (!caller.scopes.has(VERIFY_SCOPE)) throw new ForbiddenError([VERIFY_SCOPE]);
    const tenantId = caller.tenantId;
    const ownKeyId = caller.kind === 'apiKey' || caller.kind === 'accessToken' ? caller.keyId : null;
    const lastEventId = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId');
    const feed = app.verification.changes;
    const start = await feed.start(db, tenantId, lastEventId?.trim() || null);

    const encoder = new TextEncoder();
    let stop = () => {};
    const body = new fetchAPI.ReadableStream<Uint8Array>({
      start(controller) {
        let open = true;
        const send = (text: string) => {
          if (!open) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            stop();
          }
        };
        const heartbeat = setInterval(() => send(': ping\n\n'), INVALIDATIONS_HEARTBEAT_MS);
        const ending = setTimeout(() => stop(), INVALIDATIONS_MAX_STREAM_MS);
        let unfollow = () => {};
        stop = () => {
          if (!open) return;
          open = false;
          clearInterval(heartbeat);
          clearTimeout(ending);
          unfollow();
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
        };
        send(`retry: 1000\n\n`);
        if (start.reset) send(`event: reset\nid: ${start.seq}\ndata: {}\n\n`);
        const ready = (seq: number) => send(`event: ready\nid: ${seq}\ndata: ${JSON.stringify({ heartbeatMs: INVALIDATIONS_HEARTBEAT_MS })}\n\n`);
        unfollow = feed.follow(db, tenantId, start.seq, (events: CredentialChangeEvent[]) => {
          let own = false;
          for (const event of events) {
            send(`event: invalidate\nid: ${event.seq}\ndata: ${JSON.stringify(event.wholeTenant ? { tenant: true } : { keyIds: event.keyIds })}\n\n`);
            if (event.wholeTenant || (ownKeyId !== null && event.keyIds.includes(ownKeyId))) own = true;
          }
          // The caller's own credential changed: it proves itself again on reconnecting.
          if (own) stop();
        }, ready);
      },
      cancel() {
        stop();
      },
    });
    return {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        'x-request-id': requestId,
      },
      body,
    };
  } catch (caught) {
    return restFailure(app.logger, caught, { requestId, route: INVALIDATIONS_PATH });
  }
}
