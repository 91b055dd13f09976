import { describe, expect, it } from 'vitest';
import { LogCapture } from '../harness/app.ts';
import { createLogger } from '../../src/logger.ts';
import { ERROR_CODES, ForbiddenError, MethodNotAllowedError, RateLimitedError } from '../../src/domain/errors.ts';
import { HTTP_STATUS, overloadedAsRateLimited, restFailure } from '../../src/http/errors.ts';
import { OverloadedError } from '../../src/services/verification/limiter.ts';

// The one REST error renderer: what each kind of failure answers, in Keywarden's body format.

const site = { requestId: 'req-1', route: '/v1/example' };

function render(caught: unknown) {
  const logs = new LogCapture();
  const reply = restFailure(createLogger('warn', logs), caught, site);
  return { ...reply, json: JSON.parse(reply.body) as { error: Record<string, unknown> }, logs };
}

describe('restFailure', () => {
  it('answers an expected error with its status, code, message, details and request id', () => {
    const r = render(new ForbiddenError(['keys:verify']));
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ error: { code: 'FORBIDDEN', message: 'Missing scope: keys:verify', requestId: 'req-1', missingScopes: ['keys:verify'] } });
    expect(r.headers['x-request-id']).toBe('req-1');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.logs.lines).toEqual([]);
  });

  it('says when to ask again (Retry-After) and which method to use (Allow)', () => {
    const limited = render(new RateLimitedError(7));
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    const overloaded = render(new OverloadedError(2));
    expect(overloaded.status).toBe(503);
    expect(overloaded.json.error).toMatchObject({ code: 'OVERLOADED', retryAfter: 2 });
    expect(overloaded.headers['retry-after']).toBe('2');
    const method = render(new MethodNotAllowedError('POST'));
    expect(method.status).toBe(405);
    expect(method.headers.allow).toBe('POST');
    expect(method.json.error).toEqual({ code: 'METHOD_NOT_ALLOWED', message: 'Use POST', requestId: 'req-1' });
  });

  it('answers a database out of reach with 503 SERVICE_UNAVAILABLE, never a 500', () => {
    const r = render(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(r.headers['retry-after']).toBe('1');
  });

  it('logs anything else with the request id and answers a generic 500 that names it', () => {
    const r = render(new Error('secret detail'));
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error (request id req-1)', requestId: 'req-1' } });
    expect(r.body).not.toContain('secret detail');
    expect(r.logs.lines).toHaveLength(1);
    expect(JSON.parse(r.logs.lines[0]!)).toMatchObject({ requestId: 'req-1', route: '/v1/example', msg: 'unexpected error in /v1/example' });
  });
});

describe('the closed code set', () => {
  it('gives every code an HTTP status', () => {
    for (const code of ERROR_CODES) expect(HTTP_STATUS[code], code).toBeGreaterThanOrEqual(400);
  });

  it('answers exhausted argon2 capacity as RATE_LIMITED where the GraphQL API and authentication meet it', () => {
    const answered = overloadedAsRateLimited(new OverloadedError(3));
    expect(answered).toBeInstanceOf(RateLimitedError);
    expect((answered as RateLimitedError).message).toBe('Verification capacity exhausted; retry after 3s');
    const other = new ForbiddenError([]);
    expect(overloadedAsRateLimited(other)).toBe(other);
  });
});
