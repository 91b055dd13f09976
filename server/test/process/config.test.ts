import { describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../src/config.ts';

import { PROCESS_TIMEOUT_MS } from '../harness/serverProcess.ts';

// Real processes start slowly on a loaded 2-core machine: these are caps, not waits (the tests
// wait on output lines and exits).
vi.setConfig({ testTimeout: PROCESS_TIMEOUT_MS, hookTimeout: PROCESS_TIMEOUT_MS });

const serverDir = fileURLToPath(new URL('../..', import.meta.url));

describe('configuration', () => {
  it('defaults to the embedded database and port 4000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.database.kind).toBe('pglite');
    expect(config.argon2).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it('chooses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/kw' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/kw' });
  });

  it('reads the argon2 wait bound, and leaves the default when unset', () => {
    expect(loadConfig({ KEYWARDEN_HASH_MAX_WAIT_MS: '250' }).verification.hashMaxWaitMs).toBe(250);
    expect(loadConfig({}).verification).not.toHaveProperty('hashMaxWaitMs');
  });

  it.each(['0.0.0.0', '127.0.0.1', '::', '::1', 'fe80::1', 'localhost'])('listens on HOST=%s', (host) => {
    expect(loadConfig({ HOST: host }).host).toBe(host);
  });

  it('has CORS off unless origins are listed, and then allows exactly those', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ KEYWARDEN_CORS_ORIGINS: ' https://admin.example.com , http://localhost:5173' }).corsOrigins).toEqual([
      'https://admin.example.com',
      'http://localhost:5173',
    ]);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['ARGON2_MEMORY_COST', '1024'],
    ['KEYWARDEN_SERVER_SECRET', 'short'],
    ['KEYWARDEN_MIGRATE_ON_START', 'maybe'],
    ['KEYWARDEN_TRUSTED_PROXIES', '10.0.0.0/33'],
    ['KEYWARDEN_HASH_CONCURRENCY', '0'],
    ['KEYWARDEN_VERIFY_CACHE_SIZE', 'many'],
    ['KEYWARDEN_METRICS', 'maybe'],
    ['KEYWARDEN_METRICS_TOKEN', 'short'],
    ['KEYWARDEN_METRICS_TOKEN', 'has spaces in the middle of it'],
    ['KEYWARDEN_HASH_MAX_WAIT_MS', '0'],
    ['KEYWARDEN_HASH_MAX_WAIT_MS', 'soon'],
    ['HOST', 'not-an-ip'],
    ['HOST', '10.0.0.0/8'],
    ['HOST', '256.1.1.1'],
    ['HOST', ''],
    ['KEYWARDEN_CORS_ORIGINS', '*'],
    ['KEYWARDEN_CORS_ORIGINS', 'admin.example.com'],
    ['KEYWARDEN_CORS_ORIGINS', 'https://admin.example.com/'],
    ['KEYWARDEN_CORS_ORIGINS', 'https://admin.example.com,ftp://files.example.com'],
    ['KEYWARDEN_PUBLIC_URL', 'keys.example.com'],
    ['KEYWARDEN_PUBLIC_URL', 'http://keys.example.com'],
    ['KEYWARDEN_PUBLIC_URL', 'https://keys.example.com/?a=1'],
    ['KEYWARDEN_PUBLIC_URL', 'https://keys.example.com/#top'],
    ['KEYWARDEN_PUBLIC_URL', 'https://user:pw@keys.example.com'],
    ['KEYWARDEN_PUBLIC_URL', 'ftp://keys.example.com'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name}`));
  });

  it('takes the public URL (the OAuth issuer) without its trailing slash; http only for this machine; unset: null', () => {
    expect(loadConfig({}).publicUrl).toBeNull();
    expect(loadConfig({ KEYWARDEN_PUBLIC_URL: 'https://keys.example.com/' }).publicUrl).toBe('https://keys.example.com');
    expect(loadConfig({ KEYWARDEN_PUBLIC_URL: 'https://example.com/keywarden' }).publicUrl).toBe('https://example.com/keywarden');
    expect(loadConfig({ KEYWARDEN_PUBLIC_URL: 'http://127.0.0.1:4000' }).publicUrl).toBe('http://127.0.0.1:4000');
    expect(loadConfig({ KEYWARDEN_PUBLIC_URL: 'http://localhost:4000' }).publicUrl).toBe('http://localhost:4000');
  });

  it('serves /metrics by default, without a token; a token is taken as given', () => {
    expect(loadConfig({}).metrics).toEqual({ enabled: true, token: null });
    expect(loadConfig({ KEYWARDEN_METRICS: 'false', KEYWARDEN_METRICS_TOKEN: 'scrape-token-0123456789' }).metrics).toEqual({ enabled: false, token: 'scrape-token-0123456789' });
  });

  it.each(['KEYWARDEN_METRICS_TOKEN', 'KEYWARDEN_SERVER_SECRET'])('does not repeat a refused %s in its error', (name) => {
    const value = 'tooShort!';
    expect(() => loadConfig({ [name]: value })).toThrow(`Invalid configuration: ${name} (value not shown, ${value.length} characters): `);
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      expect((error as Error).message).not.toContain(value);
    }
  });

  it('stops the server at start with one clear line and exit code 1', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: serverDir,
      env: { ...process.env, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: PROCESS_TIMEOUT_MS,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: PORT="not-a-port": /);
  });
});
