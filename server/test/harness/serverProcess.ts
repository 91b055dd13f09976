import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** A fresh PGlite data folder for a server process. */
export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'keywarden-data-'));
}

/**
 * Starts `src/server.ts` as a real process on a free port and waits until it listens. A first
 * start on an empty PGlite folder (initdb, migrations) can take close to a minute on a loaded
 * machine: raise `timeoutMs` for it.
 */
/** The longest a test waits for a real process (start-up, exit); generous for a loaded machine. */
export const PROCESS_TIMEOUT_MS = 180_000;

export async function startServerProcess(
  env: Record<string, string>,
  { timeoutMs = PROCESS_TIMEOUT_MS, nodeArgs = [], bundle }: { timeoutMs?: number; nodeArgs?: string[]; bundle?: string } = {},
): Promise<ServerProcess> {
  // `bundle`: the server as `pnpm start` runs it (scripts/bundle.ts), with plain node.
  const entry = bundle ? [...nodeArgs, bundle] : ['--import', 'tsx', ...nodeArgs, 'src/server.ts'];
  const child = spawn(process.execPath, entry, {
    cwd: SERVER_DIR,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill(); // not left running behind a failed test
      reject(new Error(`server did not start:\n${stdout.join('\n')}\n${stderr.join('\n')}`));
    }, timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        stdout.push(line);
        const match = /"port":(\d+).*listening/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(...chunk.split('\n').filter(Boolean)));
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${stderr.join('\n')}`)));
  });
  return { child, port, url: `http://127.0.0.1:${port}`, stdout, stderr, exited };
}
