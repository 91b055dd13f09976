// Writes the server's schema to ../schema.graphql (the SDK's codegen reads that file).
// With --check, writes nothing and fails when the committed file is missing or differs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema, lexicographicSortSchema } from 'graphql';
import { schema } from '../src/schema/index.ts';

const target = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
const printed = `${printSchema(lexicographicSortSchema(schema))}\n`;

if (process.argv.includes('--check')) {
  if (!existsSync(target) || readFileSync(target, 'utf8') !== printed) {
    console.error('schema.graphql is out of step with the server schema: run `pnpm schema:print` and commit it');
    process.exit(1);
  }
  console.log('schema.graphql matches the server schema');
} else {
  writeFileSync(target, printed);
  console.log(`wrote ${target}`);
}
