import type { App } from '../appTypes.ts';
import { requestIdOf, resolveRequest } from '../context.ts';
import { AuthenticationError, BadRequestError, ForbiddenError, MethodNotAllowedError } from '../domain/errors.ts';
import { verifyResponseBody } from '../services/verification/input.ts';
import { verifyForTenant } from '../services/verification/tenantVerify.ts';
import { restFailure } from './errors.ts';
import { JSON_HEADERS, type TextReply } from './reply.ts';
import type { RestRequest } from './rest.ts';

export const VERIFY_PATH = '/v1/verify';
const VERIFY_SCOPE = 'keys:verify';

/**
 * POST /v1/verify. Every verdict is HTTP 200; 400 for a malformed request, 401/403 for a caller
 * that may not verify, 429 for a throttled caller, 503 with Retry-After when argon2 capacity is
 * exhausted (OVERLOADED) or the database cannot be reached (SERVICE_UNAVAILABLE): never a verdict
 * that was not made. Never goes through GraphQL parsing, validation or execution.
 */
export async function verifyRoute(app: App, http: RestRequest): Promise<TextReply> {
  const requestId = requestIdOf(http.request);
  try {
    if (http.method !== 'POST') throw new MethodNotAllowedError('POST', 'Use POST with a JSON body');
    const { info, caller } = await resolveRequest(app, http.request, http.server);
    if (caller.kind === 'anonymous') throw new AuthenticationError('Authenticate with a credential of your tenant that holds keys:verify');
    if (caller.kind === 'platform') throw new ForbiddenError([VERIFY_SCOPE], "Verification needs a credential of the key's tenant");
    if (!caller.scopes.has(VERIFY_SCOPE)) throw new ForbiddenError([VERIFY_SCOPE]);

    const outcome = await verifyForTenant(app.verification, caller.tenantId, parseJson(await http.readBody()), info.ip, 'rest', info);
    return { status: 200, headers: { ...JSON_HEADERS, 'x-request-id': requestId }, body: JSON.stringify(verifyResponseBody(outcome)) };
  } catch (caught) {
    return restFailure(app.logger, caught, { requestId, route: VERIFY_PATH });
  }
}

function parseJson(text: string): unknown {
  if (text.length === 0) throw new BadRequestError('The request body must be JSON: {"key": "...", "scopes": [...], "ip": "...", "endpoint": "..."}');
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON');
  }
}
