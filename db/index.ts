import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from 'drizzle-orm/pg-core';
import { copyOutStream } from './copy-out';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
  /** PostgreSQL only: a scoped transaction opened in one round trip (see scopedTx). */
  scopedTx?: <T>(opening: string, readOnly: boolean, fn: (tx: Tx) => Promise<T>) => Promise<T>;
  /** PostgreSQL only: `COPY ... TO STDOUT` in a read-only transaction opened with `opening` (see copyOutStream). */
  copyOut?: (opening: string, copy: string) => ReadableStream<Uint8Array>;
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
    // Transactions on one checked-out connection, opened by one simple-query message (BEGIN and
    // the scope together) instead of two round trips. A read-only one returns as soon as its
    // work is done; its COMMIT completes before the connection goes back to the pool.
    // One drizzle instance per pooled connection: a fresh one per transaction costs more than the query.
    const bound = new WeakMap<object, Tx>();
    const scopedTx = async <T>(opening: string, readOnly: boolean, fn: (tx: Tx) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      let tx = bound.get(client);
      if (!tx) bound.set(client, (tx = drizzle(client, { schema }) as unknown as Tx));
      let result: T;
      try {
        await client.query(`${readOnly ? 'begin read only' : 'begin'}; ${opening}`);
        result = await fn(tx);
      } catch (error) {
        await client.query('rollback').then(
          () => client.release(),
          (e: Error) => client.release(e),
        );
        throw error;
      }
      const commit = client.query('commit').then(
        () => client.release(),
        (e: Error) => {
          client.release(e);
          throw e;
        },
      );
      if (readOnly) commit.catch((e: Error) => console.error('[mamori] commit of a read-only transaction failed:', e.message));
      else await commit;
      return result;
    };
    const copyOut = (opening: string, copy: string) => copyOutStream(pool, `begin read only; ${opening}`, copy);
    return { db, kind: 'postgres', close: () => pool.end(), scopedTx, copyOut };
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface TxOptions {
  /** For queries only: `begin read only`, and on PostgreSQL the caller does not wait for COMMIT. */
  readOnly?: boolean;
}

const scopeOpening = (scope: { tenantId: string } | { platform: true }) =>
  `select set_config('role', 'mamori_app', true), set_config(${'platform' in scope ? `'app.scope', 'platform'` : `'app.tenant_id', '${scope.tenantId.toLowerCase()}'`}, true)`;

async function scoped<T>(scope: { tenantId: string } | { platform: true }, options: TxOptions, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const database = await getDatabase();
  // Only a checked UUID is ever spelled into the opening statement; anything else is a parameter.
  if (database.scopedTx && ('platform' in scope || UUID.test(scope.tenantId))) {
    return database.scopedTx(scopeOpening(scope), options.readOnly === true, fn);
  }
  return database.db.transaction(async (tx) => {
    if (options.readOnly) await tx.execute(sql`set transaction read only`);
    await tx.execute(
      'platform' in scope
        ? sql`select set_config('role', 'mamori_app', true), set_config('app.scope', 'platform', true)`
        : sql`select set_config('role', 'mamori_app', true), set_config('app.tenant_id', ${scope.tenantId}, true)`,
    );
    return fn(tx as Tx);
  });
}

/**
 * A transaction that sees one tenant's rows only: it runs as the non-superuser app role, so
 * row-level security holds even if a query forgets its `where tenant_id = ...`.
 */
export function withTenantTx<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
  return scoped({ tenantId }, options, fn);
}

/**
 * A transaction across tenants, for platform staff and for the steps before a tenant is known
 * (finding a login ID, loading a session). Callers are responsible for their authorization.
 */
export function withPlatformTx<T>(fn: (tx: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
  return scoped({ platform: true }, options, fn);
}

/**
 * For records owned by "the platform or a tenant" (rotation campaigns): the platform's own reach
 * across tenants, or one tenant's walls.
 */
export function withOwnerTx<T>(ownerTenantId: string, fn: (tx: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
  return ownerTenantId === schema.PLATFORM_TENANT_ID ? withPlatformTx(fn, options) : withTenantTx(ownerTenantId, fn, options);
}

/**
 * A query's result as CSV (`COPY (query) TO STDOUT (FORMAT csv)`, LF line ends) streamed straight
 * from PostgreSQL in a read-only transaction that sees one tenant's rows, or null on PGlite, which
 * cannot stream COPY: callers then page through the rows themselves. COPY takes no parameters, so
 * the query's values are written into it as SQL literals.
 */
export async function copyTenantCsv(tenantId: string, query: SQL): Promise<ReadableStream<Uint8Array> | null> {
  const database = await getDatabase();
  if (!database.copyOut) return null;
  if (!UUID.test(tenantId)) throw new Error('a tenant id must be a uuid');
  const { sql: text } = new PgDialect().sqlToQuery(query.inlineParams());
  return database.copyOut(scopeOpening({ tenantId }), `copy (${text}) to stdout (format csv)`);
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
