// `pnpm db:migrate`: applies pending migrations to the database the environment names
// (the server's own configuration: DATABASE_URL for PostgreSQL, else PGlite in KEYWARDEN_DATA_DIR).
import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase, type DatabaseConfig } from '../src/db/database.ts';
import { applyMigrations } from '../src/db/migrations.ts';

function describe(config: DatabaseConfig): string {
  if (config.kind === 'pglite') return `PGlite at ${config.dataDir ?? '(memory)'}`;
  try {
    const url = new URL(config.url);
    return `PostgreSQL ${url.host}${url.pathname}`; // never print the password
  } catch {
    return 'PostgreSQL (unparsable DATABASE_URL)';
  }
}

let config: DatabaseConfig;
try {
  config = loadConfig().database;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
try {
  const db = await openDatabase(config);
  try {
    const { applied } = await applyMigrations(db);
    if (applied.length === 0) console.log(`${describe(config)}: already up to date`);
    else console.log(`${describe(config)}: applied ${applied.length} migration(s):\n${applied.map((n) => `  ${n}`).join('\n')}`);
  } finally {
    await db.close();
  }
  process.exit(0);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`db:migrate failed (${describe(config)}): ${message.split('\n')[0]}`);
  process.exit(1);
}
