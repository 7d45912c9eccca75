import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from 'drizzle-orm/pg-core';
import { copyOutStream } from './copy-out';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { clockOffsetMs } from '@/lib/clock';
import * as schema from './schema';
import { logger } from '@/lib/observability/logger';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
  /** PostgreSQL only: a scoped transaction opened in one round trip (see scopedTx). */
  scopedTx?: <T>(opening: string, readOnly: boolean, fn: (tx: Tx) => Promise<T>) => Promise<T>;
  /** PostgreSQL only: one read-only query's rows (as arrays), opening, query and COMMIT in one round trip. */
  scopedRows?: <T extends unknown[]>(opening: string, query: { sql: string; params: unknown[] }) => Promise<T[]>;
  /** PostgreSQL only: one statement's rows, the statement prepared once per connection (see selectRows). */
  preparedRows?: (query: { sql: string; params: unknown[] }) => Promise<Record<string, unknown>[]>;
  /** PGlite only: one statement with its values written in, run as a simple query (see selectRows). */
  simpleRows?: (text: string) => Promise<Record<string, unknown>[]>;
  /** PostgreSQL only: `COPY ... TO STDOUT` in a read-only transaction opened with `opening` (see copyOutStream). */
  copyOut?: (opening: string, copy: string) => ReadableStream<Uint8Array>;
}

const MIGRATIONS = path.join(process.cwd(), 'db', 'migrations');
const PREPARED = 64;

/**
 * Opens the embedded PGlite database (no URL, a directory, or `memory://`) or PostgreSQL (a
 * postgres:// URL). Both go through the same drizzle schema, migrations and queries.
 */
export async function openDatabase(url: string | undefined, dataDir = '.data'): Promise<Database> {
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const { Pool, types } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    // Pipelined: a query is sent without waiting for the previous one's answer, so a scoped
    // transaction's opening travels with its first statement (one round trip instead of two).
    const pool = new Pool({ connectionString: url, max: Number(process.env.MAMORI_DB_POOL ?? 10), pipeline: true });
    // An idle connection can be closed by the server (restart, admin command); that must not
    // crash the process: the pool replaces it on the next checkout.
    pool.on('error', (error) => logger().warn({ err: error.message }, 'idle database connection closed'));
    // The pool listens only while a connection is idle; one ended by the server while checked out
    // fails its query (which the caller sees) and must not also reach Node as an unhandled error.
    pool.on('connect', (client) =>
      client.on('error', (error) => logger().warn({ err: error.message }, 'database connection closed')),
    );
    // COPY keeps the connection for its whole stream, which a pipelined connection refuses:
    // exports get a small pool of their own, opened on first use.
    let copyPool: InstanceType<typeof Pool> | undefined;
    const db = drizzle(pool, { schema }) as unknown as Db;
    // One drizzle instance per pooled connection: a fresh one per transaction costs more than the query.
    const bound = new WeakMap<object, Tx>();
    const scopedTx = async <T>(opening: string, readOnly: boolean, fn: (tx: Tx) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      let tx = bound.get(client);
      if (!tx) bound.set(client, (tx = drizzle(client, { schema }) as unknown as Tx));
      // BEGIN and the scope in one simple-query message, not awaited: the work's first statement
      // follows it on the wire. Should the opening fail, PostgreSQL has already begun the
      // transaction and aborts it, so nothing after it runs outside the scope; its error is the
      // one reported.
      const opened = client.query(`${readOnly ? 'begin read only' : 'begin'}; ${opening}`);
      // Both settle before anything else happens on the connection: a failed opening must not
      // hand it back while the work is still using it.
      const [work, scope] = await Promise.allSettled([fn(tx), opened]);
      if (work.status === 'rejected' || scope.status === 'rejected') {
        await client.query('rollback').then(
          () => client.release(),
          (e: Error) => client.release(e),
        );
        throw scope.status === 'rejected' ? scope.reason : (work as PromiseRejectedResult).reason;
      }
      const result = work.value;
      const commit = client.query('commit').then(
        () => client.release(),
        (e: Error) => {
          client.release(e);
          throw e;
        },
      );
      // A read-only transaction returns as soon as its work is done; its COMMIT completes before
      // the connection goes back to the pool.
      if (readOnly)
        commit.catch((e: Error) => logger().error({ err: e.message }, 'commit of a read-only transaction failed'));
      else await commit;
      return result;
    };
    // Each connection prepares the statements it runs here (a search's shape, not its values), so
    // PostgreSQL parses them once and may keep their plan, as JDBC does after five executions.
    // At most PREPARED per connection: the server holds each for the connection's lifetime.
    const prepared = new WeakMap<object, Set<string>>();
    const statementName = (client: object, text: string): string | undefined => {
      const name = `q_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      let names = prepared.get(client);
      if (!names) prepared.set(client, (names = new Set()));
      if (!names.has(name)) {
        if (names.size >= PREPARED) return undefined;
        names.add(name);
      }
      return name;
    };
    // One query's rows: the opening, the query and the COMMIT are issued without awaiting one
    // another, so the pipelined client writes each as it comes and all three share one round trip.
    // The rows are returned as soon as they are in; the connection goes back when the COMMIT is
    // answered. The writes are not merged further: that needs the client's private socket, for a
    // few system calls.
    const scopedRows = async <T extends unknown[]>(
      opening: string,
      query: { sql: string; params: unknown[] },
    ): Promise<T[]> => {
      const client = await pool.connect();
      const opened = client.query(`begin read only; ${opening}`);
      const selected = client.query({
        name: statementName(client, query.sql),
        text: query.sql,
        values: query.params,
        rowMode: 'array',
      });
      // COMMIT of an aborted transaction rolls it back: the connection is clean either way.
      const committed = client.query('commit').then(
        () => client.release(),
        (e: Error) => client.release(e),
      );
      try {
        const [, { rows }] = await Promise.all([opened, selected]);
        return rows as T[];
      } catch (error) {
        // The opening's error explains the query's ("current transaction is aborted").
        const cause = await opened.then(
          () => error,
          (e: unknown) => e,
        );
        await committed;
        throw cause;
      }
    };
    // Timestamps stay text, as drizzle hands them over: callers parse the few they use.
    const TEXT_TYPES = new Set<number>([
      types.builtins.TIMESTAMPTZ,
      types.builtins.TIMESTAMP,
      types.builtins.DATE,
      types.builtins.INTERVAL,
    ]);
    const textTimestamps = {
      getTypeParser: ((id: number, format?: 'text' | 'binary') =>
        TEXT_TYPES.has(id) ? (v: string) => v : types.getTypeParser(id, format)) as typeof types.getTypeParser,
    };
    const preparedRows = async (query: { sql: string; params: unknown[] }) => {
      const client = await pool.connect();
      try {
        const result = await client.query({
          name: statementName(client, query.sql),
          text: query.sql,
          values: query.params,
          types: textTimestamps,
        });
        return result.rows as Record<string, unknown>[];
      } finally {
        client.release();
      }
    };
    const copyOut = (opening: string, copy: string) => {
      if (!copyPool) {
        copyPool = new Pool({ connectionString: url, max: pool.options.max });
        copyPool.on('error', (error) => logger().warn({ err: error.message }, 'idle database connection closed'));
        copyPool.on('connect', (client) =>
          client.on('error', (error) => logger().warn({ err: error.message }, 'database connection closed')),
        );
      }
      return copyOutStream(copyPool, `begin read only; ${opening}`, copy);
    };
    const close = async () => {
      await Promise.all([pool.end(), copyPool?.end()]);
    };
    return { db, kind: 'postgres', close, scopedTx, scopedRows, preparedRows, copyOut };
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
  const pglite = client;
  const simpleRows = async (text: string) =>
    ((await pglite.exec(text)).at(-1)?.rows ?? []) as Record<string, unknown>[];
  return { db, kind: 'pglite', close: () => client.close(), simpleRows };
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

/**
 * Migrations in db/migrations the database has not applied: drizzle records each applied one by
 * its journal time, so the newest it recorded is compared with the newest on disk.
 */
export async function pendingMigrations(database: Database): Promise<number> {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as {
    entries: { when: number }[];
  };
  const applied = rowsOf<{ last: string | number | null }>(
    await database.db.execute(sql`select max(created_at) as last from drizzle.__drizzle_migrations`),
  )[0]?.last;
  return journal.entries.filter((e) => e.when > Number(applied ?? 0)).length;
}

// One database per process: the server entry opens it before Next loads, and Next's bundled copy
// of this module must reuse it (two PGlite instances on one directory would corrupt it).
const holder = globalThis as unknown as {
  __mamoriDatabase?: Promise<Database>;
  __mamoriDatabaseKind?: Database['kind'];
};

export function setDatabase(database: Promise<Database>): void {
  holder.__mamoriDatabase = database;
  holder.__mamoriDatabaseKind = undefined;
  database.then(
    (d) => {
      if (holder.__mamoriDatabase === database) holder.__mamoriDatabaseKind = d.kind;
    },
    () => {},
  );
}

export function getDatabase(): Promise<Database> {
  if (!holder.__mamoriDatabase) {
    setDatabase(
      (async () => {
        const database = await openDatabase(process.env.DATABASE_URL, process.env.MAMORI_DATA_DIR);
        // Instances of a deployment on PostgreSQL leave migrating to its one migration step
        // (`npm run db:migrate`) and report not ready until it has run; embedded PGlite has one
        // process, which always migrates.
        if (database.kind === 'pglite' || process.env.MAMORI_MIGRATE_ON_START !== '0') await migrateDatabase(database);
        return database;
      })(),
    );
  }
  return holder.__mamoriDatabase!;
}

/** The kind of the process's database once it is open, for code that adapts to it without waiting (see hash-password). */
export const openDatabaseKind = (): Database['kind'] | undefined => holder.__mamoriDatabaseKind;

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

const dialect = new PgDialect();
/** A UUID as PostgreSQL's uuid type reads it (any version, either case). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface TxOptions {
  /** For queries only: `begin read only`, and on PostgreSQL the caller does not wait for COMMIT. */
  readOnly?: boolean;
}

// A moved test clock travels with every transaction (the audit door's clock honours it only in a
// test database); it is a number this process made, so it is spelled into the text.
const clockSetting = () => {
  const offset = clockOffsetMs();
  return offset === 0 ? '' : `, set_config('app.clock_offset_ms', '${Math.trunc(offset)}', true)`;
};

const scopeOpening = (scope: { tenantId: string } | { platform: true }) =>
  `select set_config('role', 'mamori_app', true), set_config(${'platform' in scope ? `'app.scope', 'platform'` : `'app.tenant_id', '${scope.tenantId.toLowerCase()}'`}, true)${clockSetting()}`;

// Work registered by a scoped transaction's code: after it commits, and when it ends either way.
interface TxHooks {
  afterCommit: (() => Promise<void>)[];
  atEnd: (() => void)[];
}
const txHooks = new WeakMap<object, TxHooks>();

/**
 * Runs `task` after `tx` commits, before the scoped transaction returns to its caller; not at
 * all if it rolls back, nor when `tx` is not a scoped transaction's.
 */
export function afterCommit(tx: Tx, task: () => Promise<void>): void {
  txHooks.get(tx)?.afterCommit.push(task);
}

/** Runs `fn` when `tx` has committed or rolled back. False when `tx` is not a scoped transaction's. */
export function atTransactionEnd(tx: Tx, fn: () => void): boolean {
  const hooks = txHooks.get(tx);
  hooks?.atEnd.push(fn);
  return hooks !== undefined;
}

async function scoped<T>(
  scope: { tenantId: string } | { platform: true },
  options: TxOptions,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  const hooks: TxHooks = { afterCommit: [], atEnd: [] };
  // A pooled connection's Tx object serves one transaction at a time: the registration lasts
  // exactly as long as this transaction's work.
  const work = async (tx: Tx) => {
    txHooks.set(tx, hooks);
    try {
      return await fn(tx);
    } finally {
      txHooks.delete(tx);
    }
  };
  let result: T;
  try {
    result = await transaction(scope, options, work);
  } finally {
    for (const end of hooks.atEnd) end();
  }
  for (const task of hooks.afterCommit) await task();
  return result;
}

async function transaction<T>(
  scope: { tenantId: string } | { platform: true },
  options: TxOptions,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
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
    if (clockOffsetMs() !== 0) await tx.execute(sql.raw(`select 1${clockSetting()}`));
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
  return ownerTenantId === schema.PLATFORM_TENANT_ID
    ? withPlatformTx(fn, options)
    : withTenantTx(ownerTenantId, fn, options);
}

/**
 * The rows of one read-only query as the owner's scope sees them (see withOwnerTx), each as an
 * array of its columns in select order (their names must be distinct). On PostgreSQL the
 * opening, the query and the COMMIT go out together: one round trip, as for the bare query.
 * Values come as the driver parses them (timestamps as Date or text, bigint as text or number):
 * callers normalise what they read.
 */
export async function selectOwnerRows<T extends unknown[]>(
  ownerTenantId: string,
  query: SQL,
  options: {
    plan: 'generic' | 'custom';
    /** PostgreSQL only: this statement's work_mem, for sorts that would spill to disk at the default. */
    workMemMb?: number;
  },
): Promise<T[]> {
  const database = await getDatabase();
  const scope =
    ownerTenantId === schema.PLATFORM_TENANT_ID ? ({ platform: true } as const) : { tenantId: ownerTenantId };
  if (database.scopedRows && ('platform' in scope || UUID.test(scope.tenantId))) {
    const { sql: text, params } = dialect.sqlToQuery(query);
    // The statement is prepared (parsed once per connection). A generic plan is also made once:
    // for queries whose best plan does not depend on the values, which the caller knows. The
    // others are planned for their values every time, never switched to a generic plan by
    // PostgreSQL's own guess (a generic plan for a rare value can be a hundred times slower).
    const workMem = options.workMemMb ? `, set_config('work_mem', '${Math.trunc(options.workMemMb)}MB', true)` : '';
    const opening = `${scopeOpening(scope)}, set_config('plan_cache_mode', '${options.plan === 'generic' ? 'force_generic_plan' : 'force_custom_plan'}', true)${workMem}`;
    return database.scopedRows<T>(opening, { sql: text, params });
  }
  return scoped(scope, { readOnly: true }, async (tx) =>
    rowsOf<Record<string, unknown>>(await tx.execute(query)).map((r) => Object.values(r) as T),
  );
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
  const { sql: text } = dialect.sqlToQuery(query.inlineParams());
  return database.copyOut(scopeOpening({ tenantId }), `copy (${text}) to stdout (format csv)`);
}

/**
 * The rows of one statement run on its own, outside any scoped transaction (the narrow definer
 * functions that load a session or a login: the hottest statements there are). On PostgreSQL each
 * connection prepares it once, so it is not parsed and planned again per call (measured: a sixth
 * of the database's CPU per login); timestamps come as text. PGlite runs a query with parameters
 * as six calls into its engine (parse, describe, bind, describe, execute, sync) and a simple query
 * as two, so there the values are written into the text as SQL literals, as drizzle spells them:
 * strings quoted with '' doubled (standard_conforming_strings is on), numbers as digits, booleans
 * as true/false. Anything else (a Date, an array) would not be spelled faithfully and is refused.
 */
export async function selectRows<T>(query: SQL): Promise<T[]> {
  const database = await getDatabase();
  // Only tests move the clock: then the statement runs in a transaction that carries the offset.
  if (clockOffsetMs() !== 0) {
    return database.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`select 1${clockSetting()}`));
      return rowsOf<T>(await tx.execute(query));
    });
  }
  if (database.simpleRows) {
    const { params } = dialect.sqlToQuery(query);
    if (
      !params.every(
        (v) =>
          v === null ||
          typeof v === 'string' ||
          typeof v === 'boolean' ||
          (typeof v === 'number' && Number.isFinite(v)),
      )
    ) {
      throw new Error('selectRows takes strings, numbers and booleans only');
    }
    // PostgreSQL refuses NUL in text either way; here it would end the query text early.
    if (params.some((v) => typeof v === 'string' && v.includes('\u0000')))
      throw new Error('a text value cannot contain NUL');
    return (await database.simpleRows(dialect.sqlToQuery(query.inlineParams()).sql)) as T[];
  }
  return (await database.preparedRows!(dialect.sqlToQuery(query))) as T[];
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
