#!/usr/bin/env -S node --import tsx
// keywarden bootstrap [--force]: create a platform-operator credential and print it once.
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { DataDirLockedError } from '../src/db/dataDirLock.ts';
import { applyMigrations } from '../src/db/migrations.ts';
import { bootstrap } from '../src/services/bootstrap.ts';
import { ConflictError } from '../src/domain/errors.ts';

const [command, ...flags] = process.argv.slice(2);
if (command !== 'bootstrap') {
  console.error('usage: keywarden bootstrap [--force]');
  process.exit(2);
}
const config = loadConfig();
const db = await openDatabase(config.database).catch((error: unknown) => {
  // A server holds the data folder: say so in one line and touch nothing.
  if (!(error instanceof DataDirLockedError)) throw error;
  console.error(error.message);
  process.exit(1);
});
try {
  await applyMigrations(db);
  await bootstrap(db, process.stdout, { force: flags.includes('--force') });
} catch (error) {
  if (!(error instanceof ConflictError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await db.close();
}
