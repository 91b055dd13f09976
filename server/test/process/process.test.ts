import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { openEmptyTestDatabase } from '../harness/database.ts';
import { SERVER_DIR, startServerProcess, tempDataDir, PROCESS_TIMEOUT_MS } from '../harness/serverProcess.ts';

// Real processes start slowly on a loaded 2-core machine: these are caps, not waits (the tests
// wait on output lines and exits).
vi.setConfig({ testTimeout: PROCESS_TIMEOUT_MS, hookTimeout: PROCESS_TIMEOUT_MS });

// The real server process: start-up migrations, bootstrap banner, graceful shutdown.
// On PostgreSQL runs it uses a fresh database of the test server; otherwise a PGlite folder.
let env: Record<string, string>;
let dispose = async () => {};

beforeAll(async () => {
  if (process.env.TEST_DATABASE_URL) {
    const db = await openEmptyTestDatabase();
    env = { DATABASE_URL: db.url! };
    dispose = () => db.dispose();
  } else {
    env = { KEYWARDEN_DATA_DIR: tempDataDir() };
  }
});
afterAll(() => dispose());

const CREDENTIAL = /^\s+(kwp_[A-Za-z0-9]+)$/m;

async function viewerKind(url: string, token: string): Promise<unknown> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { kind } }' }),
  });
  return (await response.json()).data?.viewer?.kind;
}

describe('server process', () => {
  let credential = '';

  it('migrates an empty database at start, prints a platform credential once, and serves', async () => {
    const server = await startServerProcess(env);
    try {
      const output = server.stdout.join('\n');
      credential = CREDENTIAL.exec(output)?.[1] ?? '';
      expect(credential).toMatch(/^kwp_[A-Za-z0-9]{43}$/);
      expect(output.split(credential)).toHaveLength(2); // printed exactly once
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(await viewerKind(server.url, credential)).toBe('PLATFORM');
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
    expect(server.stdout.join('\n').split(credential)).toHaveLength(2); // and never logged afterwards
  });

  it('does not bootstrap again on a database that has a platform credential', async () => {
    const server = await startServerProcess(env);
    try {
      expect(server.stdout.join('\n')).not.toMatch(CREDENTIAL);
      expect(await viewerKind(server.url, credential)).toBe('PLATFORM');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('keywarden bootstrap refuses on a bootstrapped database unless forced', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'bin/keywarden.ts', 'bootstrap', ...args], {
        cwd: SERVER_DIR, env: { ...process.env, ...env }, encoding: 'utf8', timeout: PROCESS_TIMEOUT_MS,
      });
    const refused = run();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('already bootstrapped');
    expect(refused.stdout).not.toMatch(CREDENTIAL);
    const forced = run('--force');
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(CREDENTIAL);
    expect(CREDENTIAL.exec(forced.stdout)?.[1]).not.toBe(credential);
  });

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    const server = await startServerProcess(env);
    const body = JSON.stringify({ query: '{ viewer { kind } }' });
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    // Headers and half the body arrive before the signal; the rest after it.
    socket.write(`POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    socket.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    socket.end(body.slice(10));
    await closed;
    const response = Buffer.concat(chunks).toString('utf8');
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    expect(response).toContain('"kind":"ANONYMOUS"');
    expect(await server.exited).toBe(0);
    // New connections are refused once it has stopped.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
