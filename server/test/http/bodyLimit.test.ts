import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listen, type Listening, type TestApp } from '../harness/app.ts';
import { createTenant, type TestTenant } from '../harness/fixtures.ts';

/** The documented limit of a GraphQL request body: 1 MiB. */
const MAX_GRAPHQL_BODY_BYTES = 1024 * 1024;

// The GraphQL endpoint refuses bodies over MAX_GRAPHQL_BODY_BYTES with 413 and runs nothing of
// them: declared by Content-Length (refused before reading), or chunked (refused while reading).

let t: TestApp;
let tenant: TestTenant;
let server: Listening;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await createTenant(t.app, 'Bodies');
  server = await listen(t.app);
});
afterAll(async () => {
  await server.close();
  await t.close();
});

/** A createScope mutation, padded with spaces to `size` bytes of JSON. */
function createScopeBody(name: string, size: number): string {
  const body = JSON.stringify({ query: `mutation { createScope(input: { name: "${name}" }) { __typename } }`, variables: {} });
  return body.slice(0, -1) + ' '.repeat(Math.max(0, size - body.length)) + '}';
}

function post(body: string, options: { chunked?: boolean } = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${tenant.owner.token}` };
    if (!options.chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const request = http.request({ host: '127.0.0.1', port: server.port, path: '/graphql', method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    request.on('error', reject);
    if (options.chunked) {
      // Written in pieces: Node sends Transfer-Encoding: chunked, with no Content-Length.
      for (let i = 0; i < body.length; i += 64 * 1024) request.write(body.slice(i, i + 64 * 1024));
      request.end();
    } else {
      request.end(body);
    }
  });
}

const scopeExists = async (name: string) => (await t.app.db.prisma.scope.count({ where: { tenantId: tenant.id, name } })) > 0;

describe('GraphQL request body limit', () => {
  it('accepts a body of exactly the limit, declared or chunked', async () => {
    for (const chunked of [false, true]) {
      const name = `fits:${chunked ? 'chunked' : 'declared'}`;
      const answer = await post(createScopeBody(name, MAX_GRAPHQL_BODY_BYTES), { chunked });
      expect(answer.status, name).toBe(200);
      expect(answer.body.data.createScope.__typename).toBe('ScopePayload');
      expect(await scopeExists(name)).toBe(true);
    }
  });

  it('refuses a larger body with 413 when its Content-Length says so, and runs none of it', async () => {
    const answer = await post(createScopeBody('too:declared', MAX_GRAPHQL_BODY_BYTES + 1));
    expect(answer.status).toBe(413);
    expect(answer.body.errors[0]).toMatchObject({ message: `The request body must be at most ${MAX_GRAPHQL_BODY_BYTES} bytes`, extensions: { code: 'BAD_REQUEST' } });
    expect(await scopeExists('too:declared')).toBe(false);
  });

  it('refuses a larger chunked body with 413 while reading it, and runs none of it', async () => {
    const answer = await post(createScopeBody('too:chunked', MAX_GRAPHQL_BODY_BYTES + 1), { chunked: true });
    expect(answer.status).toBe(413);
    expect(answer.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(await scopeExists('too:chunked')).toBe(false);
  });

  it('counts the body of a request that did not come through node:http, whatever its Content-Length says', async () => {
    const body = createScopeBody('too:fetch', MAX_GRAPHQL_BODY_BYTES + 1);
    const response = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.owner.token}`, 'content-length': '100' },
      body,
    });
    expect(response.status).toBe(413);
    expect(await scopeExists('too:fetch')).toBe(false);
  });
});
