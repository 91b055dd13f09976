// The server process a benchmark measures: the benchmark script forks itself with `serve`, the
// child reports its port, then answers commands with its stats. Shared by bench.ts and benchScale.ts.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { buildServer } from './bundle.ts';

export type ChildMessage = { port: number } | { stats: Record<string, number> };

export interface BenchChild {
  process: ChildProcess;
  url: string;
  /** Sends a command and waits for the child's next stats message. */
  command(message: string): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/**
 * Forks `script serve` from the server folder, with `BENCH_NODE_ARGS` (e.g. --cpu-prof) passed on.
 * The script runs bundled, as `pnpm start` runs the server (scripts/bundle.ts), not under tsx: the
 * server's memory and start-up are measured as deployed.
 */
export async function startBenchChild(script: string, env: Record<string, string>, execArgv: string[] = []): Promise<BenchChild> {
  const serverDir = path.resolve(path.dirname(script), '..');
  const [bundle] = await buildServer([path.relative(serverDir, script)]);
  const child = fork(bundle!, ['serve'], {
    cwd: serverDir,
    execArgv: [...execArgv, ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    child.on('message', (m: ChildMessage) => 'port' in m && resolve(m.port));
  });
  const command = (message: string) =>
    new Promise<Record<string, number>>((resolve) => {
      const onMessage = (m: ChildMessage) => {
        if ('stats' in m) {
          child.off('message', onMessage);
          resolve(m.stats);
        }
      };
      child.on('message', onMessage);
      child.send(message);
    });
  return {
    process: child,
    url: `http://127.0.0.1:${port}`,
    command,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}
