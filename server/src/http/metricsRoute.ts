import { createHash, timingSafeEqual } from 'node:crypto';
import type { App } from '../appTypes.ts';
import { requestIdOf } from '../context.ts';
import { MethodNotAllowedError } from '../domain/errors.ts';
import { restFailure } from './errors.ts';
import type { TextReply } from './reply.ts';
import type { RestRequest } from './rest.ts';

export const METRICS_PATH = '/metrics';

/** RFC 6750 §3: the scheme and realm a scraper must answer (no error code: §3.1 leaves it out for a missing token). */
const CHALLENGE = 'Bearer realm="keywarden-metrics"';

/**
 * GET /metrics: every metric of the app in Prometheus' text format. With KEYWARDEN_METRICS_TOKEN
 * set, only for `Authorization: Bearer <token>` (compared in constant time); anything else is 401.
 */
export async function metricsRoute(app: App, http: RestRequest): Promise<TextReply> {
  const requestId = requestIdOf(http.request);
  try {
    if (http.method !== 'GET') throw new MethodNotAllowedError('GET');
    const token = app.config.metrics.token;
    if (token !== null && !presentsToken(http.request.headers.get('authorization'), token)) {
      const invalid = http.request.headers.get('authorization') !== null;
      return {
        status: 401,
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
          'www-authenticate': invalid ? `${CHALLENGE}, error="invalid_token"` : CHALLENGE,
          'x-request-id': requestId,
        },
        body: 'Authenticate with Authorization: Bearer <KEYWARDEN_METRICS_TOKEN>\n',
      };
    }
    const { contentType, body } = await app.metrics.scrape();
    return { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store', 'x-request-id': requestId }, body };
  } catch (caught) {
    return restFailure(app.logger, caught, { requestId, route: METRICS_PATH });
  }
}

/** Whether the header is `Bearer <token>`; the comparison takes the same time whatever was sent. */
function presentsToken(authorization: string | null, token: string): boolean {
  if (authorization === null) return false;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  // Digests of equal length: timingSafeEqual neither throws nor tells the token's length.
  const presented = createHash('sha256').update(match?.[1] ?? '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(presented, expected) && match !== null;
}
