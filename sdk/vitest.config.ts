import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// CI sets KEYWARDEN_TEST_REPORT to a path prefix and sums the JSON reports into one pass/fail line.
const report = process.env.KEYWARDEN_TEST_REPORT;

export default defineConfig({
  resolve: {
    // One graphql instance, as under Node: the server's packages load graphql's CommonJS entry,
    // and Vite would otherwise give the server's own sources its ESM entry (a second copy, whose
    // GraphQLError fails `instanceof` and turns the server's expected errors into masked ones).
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Each file starts its own real server on its own database (PGlite, or PostgreSQL with
    // TEST_DATABASE_URL); this machine has two cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: report ? ['default', ['json', { outputFile: `${report}-sdk.json` }]] : ['default'],
  },
});
