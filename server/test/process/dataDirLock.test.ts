import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { openDatabase } from '../../src/db/database.ts';
import { DataDirLockedError, lockDataDir } from '../../src/db/dataDirLock.ts';
import { SERVER_DIR, startServerProcess, tempDataDir, type ServerProcess, PROCESS_TIMEOUT_MS } from '../harness/serverProcess.ts';

// Real processes start slowly on a loaded 2-core machine: these are caps, not waits (the tests
// wait on output lines and exits).
vi.setConfig({ testTimeout: PROCESS_TIMEOUT_MS, hookTimeout: PROCESS_TIMEOUT_MS });

// One process per embedded (PGlite) data folder. PGlite-only by nature: on a PostgreSQL run
// (TEST_DATABASE_URL) these tests still use PGlite data folders, and a DATABASE_URL in the
// environment must not send the server processes to PostgreSQL instead.
delete process.env.DATABASE_URL;

/** The file in the data folder naming the process that holds it (operators may be told to delete it). */
const LOCK_FILE = 'keywarden.lock';
const CREDENTIAL = /^\s+(kwp_[A-Za-z0-9]+)$/m;
const lockedLine = (dataDir: string, pid: number) =>
  `The data folder ${dataDir} is in use by process ${pid}; stop it first (or, if it is not Keywarden, delete ${path.join(dataDir, LOCK_FILE)})`;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a node script of the server package (through tsx) to its end. One that starts serving
 * instead (the failure these tests look for) is stopped, and so is one still running at `limitMs`.
 */
function run(args: string[], env: Record<string, string>, limitMs = 45_000): Promise<Finished> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: SERVER_DIR,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (/"msg":"Keywarden listening/.test(stdout)) child.kill('SIGKILL');
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

async function stop(server: ServerProcess): Promise<number | null> {
  server.child.kill('SIGTERM');
  return server.exited;
}

async function graphql(url: string, token: string, query: string): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

describe('lockDataDir', () => {
  const releases: (() => void)[] = [];
  const take = (dir: string) => {
    const release = lockDataDir(dir);
    releases.push(release);
    return release;
  };
  afterEach(() => releases.splice(0).forEach((release) => release()));

  it('holds the folder with a lock file naming this process, refuses a second hold, and lets go on release', () => {
    const dir = tempDataDir();
    const release = take(dir);
    expect(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    expect(() => lockDataDir(dir)).toThrow(new DataDirLockedError(dir, process.pid));
    release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    take(dir);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(true);
  });

  it('refuses a folder whose lock names a live process, and takes it over once that process is gone', async () => {
    const dir = tempDataDir();
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      writeFileSync(path.join(dir, LOCK_FILE), `${holder.pid}\n`);
      expect(() => lockDataDir(dir)).toThrow(lockedLine(dir, holder.pid!));
    } finally {
      holder.kill();
    }
    await new Promise((resolve) => holder.on('exit', resolve));
    take(dir);
    expect(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
  });

  it.each([
    ['a dead pid', async () => `${await deadPid()}\n`],
    ['our own pid, not held (a restarted container keeps its pid)', async () => `${process.pid}\n`],
    ['no pid at all', async () => ''],
  ])('takes over a stale lock holding %s', async (_name, content) => {
    const dir = tempDataDir();
    writeFileSync(path.join(dir, LOCK_FILE), await content());
    take(dir);
    expect(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
  });

  it('takes over past a takeover guard left by a process that died while taking over', async () => {
    const dir = tempDataDir();
    writeFileSync(path.join(dir, LOCK_FILE), `${await deadPid()}\n`);
    writeFileSync(path.join(dir, `${LOCK_FILE}.takeover`), `${await deadPid()}\n`);
    take(dir);
    expect(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    expect(existsSync(path.join(dir, `${LOCK_FILE}.takeover`))).toBe(false);
  });

  it('on release, leaves alone a lock that is no longer its own', () => {
    const dir = tempDataDir();
    const release = take(dir);
    writeFileSync(path.join(dir, LOCK_FILE), '999999\n');
    release();
    expect(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe('999999\n');
  });

  it('lets exactly one of several processes racing for a stale lock take it', async () => {
    const dir = tempDataDir();
    writeFileSync(path.join(dir, LOCK_FILE), `${await deadPid()}\n`);
    // Each loads the module, says "ready", waits for "go", tries, and holds what it took until stdin closes.
    const script = `
      const { lockDataDir } = await import(${JSON.stringify(path.join(SERVER_DIR, 'src/db/dataDirLock.ts'))});
      const lines = (await import('node:readline')).createInterface({ input: process.stdin });
      console.log('ready');
      lines.once('line', () => {
        try { lockDataDir(${JSON.stringify(dir)}); console.log('held'); } catch (e) { console.log(e.name); }
      });`;
    const racers: ChildProcess[] = Array.from({ length: 6 }, () =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: SERVER_DIR, stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    try {
      const outcomes = racers.map((racer) => {
        const lines = createInterface({ input: racer.stdout! });
        const ready = new Promise((resolve) => lines.once('line', resolve));
        const outcome = ready.then(() => new Promise<string>((resolve) => lines.once('line', resolve)));
        return { ready, outcome };
      });
      await Promise.all(outcomes.map((o) => o.ready));
      for (const racer of racers) racer.stdin!.write('go\n');
      const results = await Promise.all(outcomes.map((o) => o.outcome));
      expect(results.filter((r) => r === 'held')).toHaveLength(1);
      expect(results.filter((r) => r === 'DataDirLockedError')).toHaveLength(5);
      const winner = racers[results.indexOf('held')]!;
      expect(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${winner.pid}\n`);
    } finally {
      for (const racer of racers) racer.stdin!.end();
      await Promise.all(racers.map((racer) => new Promise((resolve) => (racer.exitCode !== null ? resolve(null) : racer.on('exit', resolve)))));
    }
  });
});

describe('server processes on one data folder', () => {
  // One folder throughout (a first start on an empty folder is the slow part); the tests run in order.
  const dataDir = tempDataDir();
  const env = { KEYWARDEN_DATA_DIR: dataDir };
  // Under load a server start takes close to a minute.
  const STARTS = { timeoutMs: 150_000 };
  let first: ServerProcess | undefined;
  let credential = '';

  beforeAll(async () => {
    first = await startServerProcess(env, STARTS);
    credential = CREDENTIAL.exec(first.stdout.join('\n'))?.[1] ?? '';
    expect(credential).toMatch(/^kwp_/);
  }, 180_000);
  afterAll(async () => {
    if (first && first.child.exitCode === null && first.child.signalCode === null) await stop(first);
  });

  it('a second server on the folder exits 1 with one line naming the folder and the pid; the first keeps answering', async () => {
    const second = await run(['src/server.ts'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`${lockedLine(dataDir, first!.child.pid!)}\n`);
    expect(second.stdout).toBe('');
    expect((await fetch(`${first!.url}/readyz`)).status).toBe(200);
    expect((await graphql(first!.url, credential, '{ viewer { kind } }')).data.viewer.kind).toBe('PLATFORM');
  }, 60_000);

  it('keywarden bootstrap, forced or not, exits 1 with that line and prints no credential', async () => {
    for (const args of [[], ['--force']]) {
      const bootstrap = await run(['bin/keywarden.ts', 'bootstrap', ...args], env);
      expect(bootstrap.code, args.join(' ')).toBe(1);
      expect(bootstrap.stderr).toBe(`${lockedLine(dataDir, first!.child.pid!)}\n`);
      expect(bootstrap.stdout).toBe('');
    }
  }, 60_000);

  it('after SIGTERM the folder is free: a new server starts on it and sees what the first wrote; no credential was added', async () => {
    const created = await graphql(first!.url, credential, `mutation { createTenant(input: { name: "Kept", slug: "kept" }) { __typename ... on TenantPayload { tenant { id } } } }`);
    expect(created.data?.createTenant?.__typename, JSON.stringify(created)).toBe('TenantPayload');
    const tenantId = created.data.createTenant.tenant.id;
    expect(await stop(first!)).toBe(0);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    const next = await startServerProcess(env, STARTS);
    try {
      expect(next.stdout.join('\n')).not.toMatch(CREDENTIAL);
      const tenants = await graphql(next.url, credential, '{ tenants { edges { node { id slug } } } }');
      expect(tenants.data.tenants.edges.map((e: any) => e.node)).toEqual([{ id: tenantId, slug: 'kept' }]);
    } finally {
      expect(await stop(next)).toBe(0);
    }
    // The refused bootstraps wrote nothing: the one credential is the first server's.
    const db = await openDatabase({ kind: 'pglite', dataDir });
    try {
      expect(await db.prisma.platformCredential.count()).toBe(1);
    } finally {
      await db.close();
    }
  }, 240_000);

  it('a server takes over a lock file left by a process that died', async () => {
    writeFileSync(path.join(dataDir, LOCK_FILE), `${await deadPid()}\n`);
    const server = await startServerProcess(env, STARTS);
    try {
      expect(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).toBe(`${server.child.pid}\n`);
      expect((await graphql(server.url, credential, '{ viewer { kind } }')).data.viewer.kind).toBe('PLATFORM');
    } finally {
      expect(await stop(server)).toBe(0);
    }
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  }, 180_000);
});
