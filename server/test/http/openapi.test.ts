import { validate, compileErrors } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { API_OPERATIONS, openApiDocument } from '../../src/http/openapi.ts';
import { ContractChecker, ContractViolation } from '../harness/openapi.ts';
import { useTestApp } from '../harness/useTestApp.ts';

// The OpenAPI document: valid OpenAPI 3.1 by a maintained parser, served at /openapi.json, naming
// every REST route the router serves; and the harness check every REST answer of the tests meets.

const t = useTestApp();

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const result = await validate(structuredClone(openApiDocument()) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('is served at GET /openapi.json, the same document, to anyone', async () => {
    const response = await t.fetch('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    const post = await t.fetch('/openapi.json', { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('describes every REST route the server answers, and each operation once', async () => {
    const documented = API_OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(new Set(documented).size).toBe(documented.length);
    for (const path of ['/v1/verify', '/oauth/token', '/oauth/revoke', '/v1/audit/export', '/healthz', '/readyz', '/metrics', '/openapi.json', '/v1/forward-auth', '/oauth/introspect', '/.well-known/oauth-authorization-server']) {
      expect(API_OPERATIONS.some((o) => o.path === path), path).toBe(true);
    }
    // A documented path is one the server routes: none of them is the unknown-path 404.
    for (const { path, method } of API_OPERATIONS) {
      const response = await t.fetch(path, { method: method.toUpperCase() });
      expect(response.status, `${method} ${path}`).not.toBe(404);
    }
  });
});

describe('the contract check of every REST answer', () => {
  const checker = new ContractChecker();
  const verdict = { valid: false, code: 'NOT_FOUND', message: 'Unknown key' };
  const answer = (status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }) =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });

  it('accepts a documented answer', async () => {
    await expect(checker.check('POST', '/v1/verify', answer(200, verdict))).resolves.toBeUndefined();
  });

  it('fails on an undocumented status', async () => {
    await expect(checker.check('POST', '/v1/verify', answer(418, verdict))).rejects.toThrow(/418: status not documented/);
    await expect(checker.check('POST', '/oauth/token', answer(404, { error: 'invalid_request' }))).rejects.toThrow(ContractViolation);
  });

  it('fails on an undocumented media type, a body off its schema, or a missing required header', async () => {
    await expect(checker.check('POST', '/v1/verify', answer(200, verdict, { 'content-type': 'text/plain' }))).rejects.toThrow(/content-type "text\/plain" not documented/);
    await expect(checker.check('POST', '/v1/verify', answer(200, { ...verdict, secretHash: '$argon2id$' }))).rejects.toThrow(/does not match/);
    await expect(checker.check('POST', '/v1/verify', answer(200, { valid: true, code: 'VALID' }))).rejects.toThrow(/does not match/);
    const unauthenticated = { error: { code: 'UNAUTHENTICATED', message: 'no', requestId: 'r' } };
    await expect(checker.check('POST', '/v1/verify', answer(401, unauthenticated))).rejects.toThrow(/WWW-Authenticate missing/);
    await expect(checker.check('GET', '/v1/audit/export', answer(200, '{"id":"aud_1"}\n', { 'content-type': 'application/x-ndjson' }))).rejects.toThrow(/does not match/);
  });

  it('wants 405 with Allow for a method the document does not name; leaves other paths alone', async () => {
    await expect(checker.check('DELETE', '/v1/verify', answer(200, verdict))).rejects.toThrow(/expected 405/);
    await expect(checker.check('GET', '/graphql', answer(418, 'anything'))).resolves.toBeUndefined();
  });

  it('is applied to TestApp.fetch: the real answers of the routes pass it', async () => {
    // Each of these goes through the harness check; a violation would throw here.
    expect((await t.fetch('/v1/verify', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await t.fetch('/v1/verify')).status).toBe(405);
    expect((await t.fetch('/oauth/token', { method: 'POST' })).status).toBe(400);
    expect((await t.fetch('/v1/audit/export')).status).toBe(401);
    expect((await t.fetch('/healthz')).status).toBe(200);
    expect((await t.fetch('/readyz')).status).toBe(200);
    expect((await t.fetch('/metrics')).status).toBe(200);
  });
});
