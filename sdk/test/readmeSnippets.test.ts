// Every other ```ts snippet of this package's README (the runnable ones are readmeExamples.test.ts):
// type-checked with tsc as written, each in its own module, after declarations of the names a
// snippet uses without defining (`client`, `app` of the framework it imports, …). A snippet that
// misuses the SDK, or that names an option or export that does not exist, fails here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { PROCESS_TEST_TIMEOUT_MS, run } from './helpers/process.ts';

const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const SNIPPETS = [...readFileSync(join(SDK_DIR, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)]
  .map(([, code]) => code!)
  .filter((code) => !code.includes('process.env.KEYWARDEN_KEY'));

/** The framework whose `app` a snippet means, from the guard it imports. */
function appOf(code: string): string {
  if (code.includes("'@keywarden/sdk/hono'")) return "import { Hono } from 'hono';\nconst app = new Hono();";
  if (code.includes("'@keywarden/sdk/fastify'")) return "import Fastify from 'fastify';\nconst app = Fastify();\ndeclare const createTicket: () => Promise<unknown>;";
  return "import express from 'express';\nconst app = express();\ndeclare const ticketsRouter: express.Router;";
}

/** Declarations for the names a snippet uses but does not define itself. */
function prelude(code: string): string {
  const defines = (name: string) => new RegExp(`(?:const|let|function)\\s+${name}\\b|import[^;]*\\b${name}\\b[^;]*from`).test(code);
  const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(code);
  const lines: [string, string][] = [
    ['createClient', "import { createClient } from '@keywarden/sdk';"],
    ['requireKey', "import { requireKey } from '@keywarden/sdk';"],
    ['http', "import http from 'node:http';"],
    ['client', "declare const client: import('@keywarden/sdk').KeywardenClient;"],
    ['keywarden', "declare const keywarden: import('@keywarden/sdk').KeywardenClient;"],
    ['kw', "declare const kw: import('@keywarden/sdk').KeywardenClient;"],
    ['url', 'declare const url: string;'],
    ['apiKey', 'declare const apiKey: string;'],
    ['text', 'declare const text: string;'],
    ['request', 'declare const request: Request;'],
  ];
  const declared = lines.filter(([name]) => uses(name) && !defines(name)).map(([, line]) => line);
  if (uses('app') && !defines('app')) declared.push(appOf(code));
  return declared.join('\n');
}

const dir = mkdtempSync(join(SDK_DIR, '.readme-snippets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the README has snippets besides its runnable examples', () => {
  expect(SNIPPETS.length).toBeGreaterThanOrEqual(8);
});

test(
  "every snippet type-checks against the SDK and the frameworks' own types",
  async () => {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { noEmit: true, noUnusedLocals: false }, include: ['*.ts'] }));
    SNIPPETS.forEach((code, i) => writeFileSync(join(dir, `snippet-${i}.ts`), `${prelude(code)}\n${code}\nexport {};\n`));
    const result = await run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { cwd: SDK_DIR });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  },
  PROCESS_TEST_TIMEOUT_MS,
);
