import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the SDK and for the console, generated from the committed schema.graphql
// (never from server code, which would construct a database client) and each one's own operation
// documents. `pnpm codegen` regenerates sdk/src/gql/ and console/src/gql/ (committed);
// `pnpm codegen:check` fails when either is stale.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  // An operation that no longer matches the schema must fail the run, not be skipped.
  ignoreNoDocuments: false,
  emitLegacyCommonJSImports: false,
  // The SDK's sources import each other with `.ts` (rewritten to `.js` by tsc on build).
  importExtension: '.ts',
  generates: {
    'sdk/src/gql/': {
      documents: ['sdk/src/operations/**/*.ts'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        // Only what the operations use (their results, inputs and enums), not every schema type.
        onlyOperationTypes: true,
        // DateTime: a Date in results (the transport converts the ISO strings, see transport/dates.ts); a
        // Date or an ISO string in variables (JSON.stringify writes a Date as its ISO form).
        scalars: { DateTime: { input: 'Date | string', output: 'Date' }, JSON: 'unknown', ID: 'string' },
      },
    },
    // The console's pages write their queries next to their components (`graphql(...)` from ./gql).
    'console/src/gql/': {
      documents: ['console/src/**/*.{ts,tsx}', '!console/src/gql/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        onlyOperationTypes: true,
        scalars: { DateTime: { input: 'Date | string', output: 'Date' }, JSON: 'unknown', ID: 'string' },
      },
    },
    // The schema's SDL as a string constant: DateTime conversion at run time, `@keywarden/sdk/graphql`.
    'sdk/src/gql/schema.ts': { plugins: ['./sdk/scripts/codegen-schema-plugin.cjs'] },
  },
};

export default config;
