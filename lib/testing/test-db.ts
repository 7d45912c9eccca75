import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase, setDatabase, type Database } from '@/db';

/**
 * Gives the calling test file a fresh, migrated database: an in-memory PGlite, or with
 * DATABASE_URL a new PostgreSQL database dropped afterwards. Same migrations, same code path.
 */
export function setupTestDatabase(): { current: () => Database; url: () => string | null } {
  let database: Database | undefined;
  let dropName: string | undefined;
  let databaseUrl: string | null = null;
  const url = process.env.DATABASE_URL;
  beforeAll(async () => {
    if (url && /^postgres/.test(url)) {
      dropName = `mamori_t_${randomBytes(6).toString('hex')}`;
      const admin = await openDatabase(url);
      await admin.db.execute(sql.raw(`create database ${dropName}`));
      await admin.close();
      const u = new URL(url);
      u.pathname = `/${dropName}`;
      databaseUrl = u.toString();
      database = await openDatabase(databaseUrl);
    } else {
      database = await openDatabase('memory://');
    }
    await migrateDatabase(database);
    // A test database: the audit door's clock follows the tests' clock (see mamori_now).
    await database.db.execute(sql`update audit_settings set test_clock = true`);
    setDatabase(Promise.resolve(database));
  });
  afterAll(async () => {
    await database?.close();
    if (dropName && url) {
      const admin = await openDatabase(url);
      await admin.db.execute(sql.raw(`drop database if exists ${dropName} with (force)`));
      await admin.close();
    }
  });
  return {
    current: () => {
      if (!database) throw new Error('database not ready');
      return database;
    },
    /** The PostgreSQL database's URL, for a second process (null on PGlite, which is this process's own). */
    url: () => databaseUrl,
  };
}
