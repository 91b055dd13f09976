// `pnpm db:migration:new <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that takes the existing migrations to the current schema.prisma. Review it before committing.
import path from 'node:path';
import { diffNewMigration } from '../src/db/migrations.ts';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name) || process.argv.length > 3) {
  console.error('usage: pnpm db:migration:new <name>   (name: lower-case letters, digits and _)');
  process.exit(2);
}
try {
  const created = await diffNewMigration(name);
  if (!created) {
    console.log('No changes: schema.prisma already matches the migrations.');
  } else {
    console.log(`Created ${path.relative(process.cwd(), path.join(created.dir, 'migration.sql'))}`);
  }
  process.exit(0);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`db:migration:new failed: ${message.split('\n')[0]}`);
  process.exit(1);
}
