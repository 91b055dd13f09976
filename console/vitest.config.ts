import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// The console's tests: a real server (the server's test harness, PGlite or PostgreSQL with
// TEST_DATABASE_URL) serving the freshly built console to Debian's Chromium, driven by
// playwright-core. CI sets KEYWARDEN_TEST_REPORT to a path prefix for the JSON report.
const report = process.env.KEYWARDEN_TEST_REPORT;

export default defineConfig({
  resolve: {
    // One graphql instance, as under Node (see sdk/vitest.config.ts).
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/buildOnce.ts'],
    pool: 'forks',
    // Each file runs a server and a browser: one at a time on a 2-core machine.
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    reporters: report ? ['default', ['json', { outputFile: `${report}-console.json` }]] : ['default'],
  },
});
