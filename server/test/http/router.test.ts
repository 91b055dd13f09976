import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../harness/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { KEYWARDEN_TRUSTED_PROXIES: '10.0.0.0/8' } });
});
afterAll(() => t.close());

describe('health and readiness', () => {
  it('answers /healthz while the process is up', async () => {
    const response = await t.fetch('/healthz');
    expect(response.status).toBe(200);
  });

  it('answers /readyz with 200 when the database is reachable and migrated', async () => {
    const response = await t.fetch('/readyz');
    expect(response.status).toBe(200);
  });
});

describe('GraphiQL', () => {
  it('is served at /graphql to a browser and loads nothing from another host', async () => {
    const response = await t.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('Keywarden GraphiQL');
    expect(html).toContain('renderYogaGraphiQL');
    // Every resource the page loads is inline: no src/href to another origin, no CSS @import.
    const external = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?(https?:)?\/\/[^"'\s>]+/gi)].map((m) => m[0]);
    expect(external).toEqual([]);
    expect(html).not.toMatch(/@import\s+url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr\.net|cdnjs/i);
  });
});

describe('client address', () => {
  it('uses the socket address and ignores X-Forwarded-For from an untrusted peer', async () => {
    const response = await t.graphql('{ viewer { address kind } }', {}, { ip: '203.0.113.9', headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(response.data).toEqual({ viewer: { address: '203.0.113.9', kind: 'ANONYMOUS' } });
  });

  it('takes the client from X-Forwarded-For when the peer is a trusted proxy', async () => {
    const response = await t.graphql('{ viewer { address } }', {}, { ip: '10.1.2.3', headers: { 'x-forwarded-for': '198.51.100.7, 10.9.9.9' } });
    expect(response.data).toEqual({ viewer: { address: '198.51.100.7' } });
  });

  it('normalises an IPv4-mapped IPv6 socket address', async () => {
    const response = await t.graphql('{ viewer { address } }', {}, { ip: '::ffff:192.0.2.44' });
    expect(response.data).toEqual({ viewer: { address: '192.0.2.44' } });
  });
});

describe('errors', () => {
  it('rejects an unknown credential with UNAUTHENTICATED and status 401', async () => {
    const response = await t.graphql('{ viewer { kind } }', {}, { token: 'kwp_notARealCredential' });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects an unsupported Authorization scheme with BAD_REQUEST', async () => {
    const response = await t.graphql('{ viewer { kind } }', {}, { headers: { authorization: 'Digest abc' } });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('reports GraphQL parse and validation errors as BAD_REQUEST, within the closed set of codes', async () => {
    const invalid = await t.graphql('{ noSuchField }');
    expect(invalid.errors?.[0]?.message).toContain('noSuchField');
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    const unparsable = await t.graphql('{ viewer { kind ');
    expect(unparsable.errors?.[0]?.message).toContain('Syntax Error');
    expect(unparsable.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});
