import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// CI sets KEYWARDEN_TEST_REPORT to a path prefix and sums the JSON reports into one pass/fail line.
const report = process.env.KEYWARDEN_TEST_REPORT;

export default defineConfig({
  // Vite would load graphql's ESM build for our code while Yoga and Pothos load the CommonJS one:
  // two GraphQLError classes, and `instanceof` checks fail. Production (tsx/node) has one copy.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file opens its own database (in-memory PGlite or a fresh PostgreSQL database);
    // argon2 and PGlite start-up are CPU-bound, and this machine has two cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: report ? ['default', ['json', { outputFile: `${report}-server.json` }]] : ['default'],
  },
});
