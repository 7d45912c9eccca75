/**
 * `npm run db:migrate`: applies the migrations in db/migrations to DATABASE_URL, once, before the
 * instances of a release start (they run with MAMORI_MIGRATE_ON_START=0). Safe to run twice, and
 * beside another run (an advisory lock serialises them).
 */
import { migrateDatabase, openDatabase, pendingMigrations } from '@/db';

const database = await openDatabase(process.env.DATABASE_URL, process.env.MAMORI_DATA_DIR);
const before = await pendingMigrations(database).catch(() => Number.NaN);
await migrateDatabase(database);
const after = await pendingMigrations(database);
console.log(
  `[mamori] migrations: ${Number.isNaN(before) ? 'all' : before} applied now, ${after} pending (${database.kind})`,
);
await database.close();
process.exit(after === 0 ? 0 : 1);
