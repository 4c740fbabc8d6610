import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.ts';
import { migrationsDir } from '../server/paths.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export { schema };


/**
 * Opens SQLite with the pragmas we rely on and applies the committed migrations: the one way the schema is made,
 * for a fresh install, an upgrade and every test alike. `filename` ':memory:' gives a private database.
 */
export function openDb(filename: string): Db {
  const sqlite = new Database(filename);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: migrationsDir });
  return db;
}
