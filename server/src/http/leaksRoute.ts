import type { App } from '../appTypes.ts';
import { requestIdOf, requestInfo } from '../context.ts';
import { AuthenticationError, BadRequestError, MethodNotAllowedError } from '../domain/errors.ts';
import { checkReportSignature } from '../domain/secretScanning.ts';
import { handleSecretScanningReport, readSecretScanningReport, secretScanningKeys } from '../services/leaks.ts';
import { restFailure } from './errors.ts';
import { JSON_HEADERS, type TextReply } from './reply.ts';
import { readBoundedBody, type RestRequest } from './rest.ts';

export const GITHUB_LEAKS_PATH = '/v1/leaks/github';
/** A report of a thousand matches is about 300 kB; GitHub sends far fewer at once. */
export const MAX_LEAK_REPORT_BYTES = 256 * 1024;

const REFUSED = 'The report is not signed by a GitHub secret-scanning key this server knows';

/**
 * POST /v1/leaks/github: GitHub's secret-scanning partner program. The signature is checked on the
 * body's raw bytes before anything of it is parsed; a refused report changes nothing and is
 * answered 401 whatever it holds. A signed report's matches get their tenant's policy (services/leaks.ts)
 * and the answer is the program's feedback: one label per match, the token as its SHA-256.
 */
export async function githubLeaksRoute(app: App, http: RestRequest): Promise<TextReply> {
  const requestId = requestIdOf(http.request);
  try {
    const loading = secretScanningKeys(app);
    if (loading === null) return notConfigured(requestId);
    if (http.method !== 'POST') throw new MethodNotAllowedError('POST', 'Use POST with the report as JSON');
    const identifier = http.request.headers.get('github-public-key-identifier');
    const signature = http.request.headers.get('github-public-key-signature');
    if (!identifier || !signature) throw refused(app, requestId, 'MISSING');
    const keys = await loading;
    if (!keys.has(identifier)) throw refused(app, requestId, 'UNKNOWN_KEY');
    const body = await readRawBody(http.request);
    const check = checkReportSignature(keys, identifier, signature, body);
    if (check !== 'VALID') throw refused(app, requestId, check);

    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      throw new BadRequestError('The report is not valid JSON');
    }
    const matches = readSecretScanningReport(json);
    if (matches === null) throw new BadRequestError('The report must be a JSON array of 1-1000 {"token", "type", "url", "source"} objects');
    const { labels, outcomes } = await handleSecretScanningReport(app, requestInfo(app, http.request, http.server), matches);
    app.logger.info(
      { requestId, matches: matches.length, truePositives: outcomes.length, applied: outcomes.filter((o) => !o.alreadyReported).map((o) => ({ keyId: o.keyId, policy: o.policy })) },
      'secret-scanning report',
    );
    return { status: 200, headers: { ...JSON_HEADERS, 'x-request-id': requestId }, body: JSON.stringify(labels) };
  } catch (caught) {
    return restFailure(app.logger, caught, { requestId, route: GITHUB_LEAKS_PATH });
  }
}

/** No keys file: no report can be checked, so none is taken (GitHub tries again later). No Retry-After: it is a setting, not a moment. */
function notConfigured(requestId: string): TextReply {
  const error = { code: 'SERVICE_UNAVAILABLE', message: 'This server takes no secret-scanning reports (KEYWARDEN_SECRET_SCANNING_KEYS_FILE is not set)', requestId };
  return { status: 503, headers: { ...JSON_HEADERS, 'x-request-id': requestId }, body: JSON.stringify({ error }) };
}

function refused(app: App, requestId: string, reason: string): AuthenticationError {
  app.logger.warn({ requestId, reason }, 'secret-scanning report refused');
  return new AuthenticationError(REFUSED, true);
}

/** The body exactly as sent (the signature is over these bytes), refusing more than MAX_LEAK_REPORT_BYTES. */
function readRawBody(request: Request): Promise<Uint8Array> {
  return readBoundedBody(request, MAX_LEAK_REPORT_BYTES, () => new BadRequestError(`The report must be at most ${MAX_LEAK_REPORT_BYTES} bytes`));
}
