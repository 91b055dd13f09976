// Drives guardChild.ts: a guard in another process, told which key to watch, reporting when it
// refuses it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SDK_DIR = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./guardChild.ts', import.meta.url));

export interface GuardProcess {
  /** Resolves once the child serves the key's verdict from memory. */
  watch(key: string): Promise<void>;
  /** Resolves with the epoch ms at which the child refused the watched key. */
  refused(): Promise<number>;
  close(): void;
}

export async function startGuardProcess(url: string, verifierKey: string): Promise<GuardProcess> {
  const child: ChildProcess = spawn(`${SDK_DIR}node_modules/.bin/tsx`, [CHILD, url, verifierKey], { cwd: SDK_DIR, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const waiting: ((message: Record<string, unknown>) => void)[] = [];
  const arrived: Record<string, unknown>[] = [];
  const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`the guard process exited (${code}): ${stderr}`))));
  exited.catch(() => {});
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else arrived.push(message);
  });
  const next = async (): Promise<Record<string, unknown>> => {
    const queued = arrived.shift();
    const message = queued ?? (await Promise.race([new Promise<Record<string, unknown>>((resolve) => waiting.push(resolve)), exited]));
    if (typeof message.error === 'string') throw new Error(message.error);
    return message;
  };
  return {
    watch: async (key) => {
      child.stdin!.write(`${JSON.stringify({ watch: key })}\n`);
      await next();
    },
    refused: async () => (await next()).refused as number,
    close: () => {
      child.stdin!.end();
      child.kill();
    },
  };
}
