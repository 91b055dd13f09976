import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the SDK, generated from the committed schema.graphql (never from server code,
// which would construct a database client) and the SDK's own operation documents.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['sdk/src/operations/**/*.ts'],
  ignoreNoDocuments: true,
  generates: {
    'sdk/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;
