import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
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

describe('start-up failures: one line, exit 1, nothing touched', () => {
  /** The server process run to its end, with `env` over a harmless base. */
  const runServer = (extra: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: SERVER_DIR,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...extra },
      encoding: 'utf8',
      timeout: PROCESS_TIMEOUT_MS,
    });

  it('refuses a HOST that is not an address with one line and no stack', () => {
    const dataDir = tempDataDir();
    const result = runServer({ HOST: 'not-an-ip', KEYWARDEN_DATA_DIR: dataDir });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual(['Invalid configuration: HOST="not-an-ip": expected an IPv4 or IPv6 address, or localhost']);
    expect(result.stdout).toBe('');
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('stops on a port already in use with one line, before opening the database or migrating', async () => {
    // The port is held by another listener for the whole run.
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    const fresh = process.env.TEST_DATABASE_URL ? await openEmptyTestDatabase() : null;
    const dataDir = tempDataDir();
    try {
      const result = runServer({ PORT: String(port), ...(fresh ? { DATABASE_URL: fresh.url! } : { KEYWARDEN_DATA_DIR: dataDir }) });
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([`Cannot listen on 127.0.0.1:${port}: address already in use`]);
      expect(result.stderr).not.toContain('    at ');
      expect(result.stdout).toBe('');
      if (fresh) {
        // The fresh PostgreSQL database has no migration table: nothing was applied.
        const [row] = await fresh.prisma.$queryRawUnsafe<{ table: string | null }[]>("SELECT to_regclass('public._prisma_migrations')::text AS \"table\"");
        expect(row!.table).toBeNull();
      } else {
        // PGlite never created its database in the data folder.
        expect(readdirSync(dataDir)).toEqual([]);
      }
    } finally {
      await new Promise((resolve) => holder.close(resolve));
      await fresh?.dispose();
    }
  });

  it('stops on an address that is not this machine\'s with one line', () => {
    const dataDir = tempDataDir();
    // 192.0.2.0/24 is reserved for documentation: never an address of this machine.
    const result = runServer({ HOST: '192.0.2.1', PORT: '4999', KEYWARDEN_DATA_DIR: dataDir });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['Cannot listen on 192.0.2.1:4999: address not available on this machine']);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('binds the port first and answers 503 with Retry-After until the database is ready', async () => {
    // A "database" that accepts connections and never answers: start-up stays in its database phase.
    const sockets: net.Socket[] = [];
    let connected!: () => void;
    const reached = new Promise<void>((resolve) => (connected = resolve));
    const silent = net.createServer((socket) => {
      sockets.push(socket);
      connected();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const dbPort = (silent.address() as AddressInfo).port;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: SERVER_DIR,
      // The "port bound" line is logged at debug level.
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', DATABASE_URL: `postgres://keywarden@127.0.0.1:${dbPort}/keywarden` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const match = /"port":(\d+).*port bound/.exec(out);
          if (match) resolve(Number(match[1]));
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code} before binding: ${out}`)));
      });
      await reached;
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      const body = await response.json();
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfter: 1 });
      expect(body.error.requestId).toBe(response.headers.get('x-request-id'));
    } finally {
      child.kill('SIGKILL');
      await exited;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
