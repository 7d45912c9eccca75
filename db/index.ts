import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const MIGRATIONS = path.join(process.cwd(), 'db', 'migrations');

/**
 * Opens the embedded PGlite database (no URL, a directory, or `memory://`) or PostgreSQL (a
 * postgres:// URL). Both go through the same drizzle schema, migrations and queries.
 */
export async function openDatabase(url: string | undefined, dataDir = '.data'): Promise<Database> {
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const { Pool } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const pool = new Pool({ connectionString: url, max: Number(process.env.MAMORI_DB_POOL ?? 10) });
    // An idle connection can be closed by the server (restart, admin command); that must not
    // crash the process: the pool replaces it on the next checkout.
    pool.on('error', (error) => console.error('[mamori] idle database connection closed:', error.message));
    const db = drizzle(pool, { schema }) as unknown as Db;
    return { db, kind: 'postgres', close: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  let client;
  if (url === 'memory://' || url === 'memory') {
    client = new PGlite();
  } else {
    const dir = path.resolve(url && url.length > 0 ? url : path.join(dataDir, 'pglite'));
    // PGlite does not create parent directories itself.
    mkdirSync(path.dirname(dir), { recursive: true });
    client = new PGlite(dir);
  }
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, kind: 'pglite', close: () => client.close() };
}

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    // Several processes (test workers, app instances) may migrate the same cluster at once.
    await database.db.execute(sql`select pg_advisory_lock(727274)`);
    try {
      await migrate(database.db as never, { migrationsFolder: MIGRATIONS });
    } finally {
      await database.db.execute(sql`select pg_advisory_unlock(727274)`);
    }
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, { migrationsFolder: MIGRATIONS });
  }
}

// One database per process: the server entry opens it before Next loads, and Next's bundled copy
// of this module must reuse it (two PGlite instances on one directory would corrupt it).
const holder = globalThis as unknown as { __mamoriDatabase?: Promise<Database> };

export function setDatabase(database: Promise<Database>): void {
  holder.__mamoriDatabase = database;
}

export function getDatabase(): Promise<Database> {
  holder.__mamoriDatabase ??= (async () => {
    const database = await openDatabase(process.env.DATABASE_URL, process.env.MAMORI_DATA_DIR);
    await migrateDatabase(database);
    return database;
  })();
  return holder.__mamoriDatabase;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/**
 * A transaction that sees one tenant's rows only: it runs as the non-superuser app role, so
 * row-level security holds even if a query forgets its `where tenant_id = ...`.
 */
export async function withTenantTx<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('role', 'mamori_app', true), set_config('app.tenant_id', ${tenantId}, true)`,
    );
    return fn(tx as Tx);
  });
}

/**
 * A transaction across tenants, for platform staff and for the steps before a tenant is known
 * (finding a login ID, loading a session). Callers are responsible for their authorization.
 */
export async function withPlatformTx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', 'mamori_app', true), set_config('app.scope', 'platform', true)`);
    return fn(tx as Tx);
  });
}

/**
 * For records owned by "the platform or a tenant" (rotation campaigns): the platform's own reach
 * across tenants, or one tenant's walls.
 */
export function withOwnerTx<T>(ownerTenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return ownerTenantId === schema.PLATFORM_TENANT_ID ? withPlatformTx(fn) : withTenantTx(ownerTenantId, fn);
}

export { schema };

/** Rows changed by a raw statement: node-postgres says rowCount, PGlite affectedRows. */
export function affectedRows(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return r.rowCount ?? r.affectedRows ?? 0;
}

/** Rows of a raw `execute` on either driver. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
