import type { RequestInfo } from '../../domain/caller.ts';
import type { VerifyPath } from '../../observability/metrics.ts';
import { parseVerifyInput } from './input.ts';
import type { VerifyOutcome, VerifyRequest } from './pipeline.ts';

/**
 * A tenant's resource server asks whether a presented credential may act: POST /v1/verify and the
 * GraphQL `verify` query, one call. `raw` is the input as sent (400 when malformed); the end
 * client's address, when not given, is the resource server's own for throttling.
 */
export async function verifyForTenant(
  verification: { verify(request: VerifyRequest): Promise<VerifyOutcome> },
  tenantId: string,
  raw: unknown,
  callerIp: string,
  path: Extract<VerifyPath, 'rest' | 'graphql'>,
  requestInfo?: RequestInfo,
): Promise<VerifyOutcome> {
  const input = parseVerifyInput(raw);
  return verification.verify({
    credential: { kind: 'text', text: input.key },
    path,
    tenantId,
    ip: input.ip,
    throttleAddress: input.ip ?? callerIp,
    endpoint: input.endpoint,
    requiredScopes: input.scopes,
    charge: input.charge,
    requestInfo,
  });
}
