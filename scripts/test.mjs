#!/usr/bin/env node
// `pnpm test`: the server suite, then the SDK suite, then the console's browser suite, each whatever the
// earlier ones' result, then one line
// "N passed, N failed" summed from vitest's JSON reports; exits non-zero on any failure.
// Arguments are passed to every vitest run (e.g. a file filter). KEYWARDEN_TEST_REPORT, when set,
// is the path prefix of the reports (<prefix>-server.json, <prefix>-sdk.json, <prefix>-console.json),
// which .ci/run sums.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SUITES = ['server', 'sdk', 'console'];
const args = process.argv.slice(2).filter((a) => a !== '--');
const scratch = process.env.KEYWARDEN_TEST_REPORT ? null : mkdtempSync(path.join(tmpdir(), 'keywarden-test-'));
const prefix = process.env.KEYWARDEN_TEST_REPORT ?? path.join(scratch, 'report');

function run(suite) {
  // The reporter path comes from each suite's vitest.config.ts.
  const vitestArgs = ['exec', 'vitest', 'run', ...(args.length ? ['--passWithNoTests', ...args] : [])];
  return new Promise((resolve) => {
    const child = spawn('pnpm', vitestArgs, { cwd: path.join(root, suite), stdio: 'inherit', env: { ...process.env, KEYWARDEN_TEST_REPORT: prefix } });
    child.on('error', (error) => {
      console.error(`${suite}: could not start vitest: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

let passed = 0;
let failed = 0;
const problems = [];
for (const suite of SUITES) {
  const file = `${prefix}-${suite}.json`;
  // A report left by an earlier run must not stand in for this one.
  rmSync(file, { force: true });
  const code = await run(suite);
  if (!existsSync(file)) {
    problems.push(`${suite}: vitest wrote no report (exit code ${code})`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that fails to load or a failing hook fails the run without failing a test.
  if (report.numFailedTestSuites > 0 && report.numFailedTests === 0) problems.push(`${suite}: ${report.numFailedTestSuites} test file(s) failed outside any test`);
  if (code !== 0 && report.numFailedTests === 0 && report.numFailedTestSuites === 0) problems.push(`${suite}: vitest exited with code ${code}`);
}
if (scratch) rmSync(scratch, { recursive: true, force: true });

for (const problem of problems) console.log(problem);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || problems.length > 0 || passed === 0 ? 1 : 0;
