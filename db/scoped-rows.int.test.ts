import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb, rowsOf, selectOwnerRows } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';

// The contract of selectOwnerRows, the one-query read that PostgreSQL serves with a pipelined
// opening, query and COMMIT and PGlite with a read-only scoped transaction.
const postgres = Boolean(process.env.DATABASE_URL);

/** The database's own error: node-postgres rejects with it, drizzle on PGlite wraps it as its cause. */
async function databaseError(read: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await read.then(
    () => expect.fail('the read was expected to fail'),
    (e: unknown) => e as { code?: string; message: string; cause?: { code?: string; message: string } },
  );
  const own = error.code ? error : error.cause;
  if (!own?.code) throw error;
  return { code: own.code, message: own.message };
}

const custom = { plan: 'custom' } as const;
const generic = { plan: 'generic' } as const;

describe('selectOwnerRows', () => {
  const database = setupTestDatabase();
  let a = '';
  let b = '';
  beforeAll(async () => {
    const t = Date.now();
    a = await createTenant(`rows-a-${t}`);
    b = await createTenant(`rows-b-${t}`);
  });

  it("returns each row as an array of its columns, in the driver's own types", async () => {
    const rows = await selectOwnerRows<unknown[]>(
      a,
      sql`select ${a}::uuid as id, 42::int4 as small, 9007199254740993::int8 as big, true as yes,
                 '2024-01-02T03:04:05.678Z'::timestamptz as at, '2024-01-02'::date as day,
                 '{"k":[1,"two"]}'::jsonb as doc, null::text as nothing, 1.5::numeric as exact,
                 ${"it's"}::text as param, code from tenants`,
      custom,
    );
    expect(rows).toHaveLength(1);
    const [id, small, big, yes, at, day, doc, nothing, exact, param, code] = rows[0];
    expect([id, small, yes, doc, nothing, exact, param]).toEqual([a, 42, true, { k: [1, 'two'] }, null, '1.5', "it's"]);
    expect(code).toMatch(/^rows-a-/);
    // What each driver hands over for the types callers normalise (see search-audit-events).
    if (database.current().kind === 'postgres') {
      expect(big).toBe('9007199254740993');
      expect(at).toEqual(new Date('2024-01-02T03:04:05.678Z'));
      expect(day).toBeInstanceOf(Date);
    } else {
      expect(big).toBe(9007199254740993n);
      expect(at).toBe('2024-01-02 03:04:05.678+00');
      expect(day).toBe('2024-01-02');
    }
    expect(new Date(at as string | Date).toISOString()).toBe('2024-01-02T03:04:05.678Z');
    expect(String(big)).toBe('9007199254740993');
  });

  it("runs the query in the owner's scope: the app role, its tenant, read only", async () => {
    const probe = sql`select current_user::text as role, coalesce(current_setting('app.tenant_id', true), '') as tenant,
                             coalesce(current_setting('app.scope', true), '') as scope,
                             current_setting('transaction_read_only') as read_only,
                             current_setting('plan_cache_mode') as plan`;
    const plan = (mode: string) => (database.current().kind === 'postgres' ? mode : 'auto');
    expect(await selectOwnerRows(a, probe, custom)).toEqual([['mamori_app', a, '', 'on', plan('force_custom_plan')]]);
    expect(await selectOwnerRows(a, probe, generic)).toEqual([['mamori_app', a, '', 'on', plan('force_generic_plan')]]);
    const [platform] = await selectOwnerRows<unknown[]>(PLATFORM_TENANT_ID, probe, custom);
    expect(platform.slice(0, 4)).toEqual(['mamori_app', '', 'platform', 'on']);

    // No tenant filter in the query: row-level security alone keeps the other tenant out.
    const ids = sql`select id from tenants where id in (${a}, ${b}) order by code`;
    expect(await selectOwnerRows(a, ids, custom)).toEqual([[a]]);
    expect(await selectOwnerRows(b, ids, generic)).toEqual([[b]]);
    expect(await selectOwnerRows(PLATFORM_TENANT_ID, ids, custom)).toEqual([[a], [b]]);
  });

  it("rejects with the database's own error, never the aborted transaction's", async () => {
    const failures: [SQL, string, RegExp][] = [
      [sql`select 1 / ${0}::int`, '22012', /division by zero/],
      [sql`select ${'abc'}::int`, '22P02', /invalid input syntax for type integer: "abc"/],
      [sql`select no_such_column from tenants`, '42703', /column "no_such_column" does not exist/],
      [sql`selec 1`, '42601', /syntax error/],
      // Read only: a write in the query is refused by the database itself.
      [sql`update tenants set name = name returning id`, '25006', /read-only transaction/],
    ];
    for (const [query, code, message] of failures) {
      for (const options of [custom, generic]) {
        const error = await databaseError(selectOwnerRows(a, query, options));
        expect(error.code).toBe(code);
        expect(error.message).toMatch(message);
        expect(error.message).not.toMatch(/current transaction is aborted/);
      }
    }
  });

  // On PostgreSQL the opening travels ahead of the query: when it fails, the query is refused as
  // part of an aborted transaction, and the opening's error is the one reported.
  it.runIf(postgres)('reports a failed opening rather than the query refused behind it', async () => {
    const { scopedRows } = database.current();
    const error = await databaseError(scopedRows!('select 1/0', { sql: 'select $1::int', params: [7] }));
    expect(error.code).toBe('22012');
    expect(error.message).toBe('division by zero');
    expect(await scopedRows!('select 1', { sql: 'select $1::int', params: [7] })).toEqual([[7]]);
  });

  // A connection the server ends mid-query (restart, failover, an admin's kill) fails that call
  // only: the client's 'error' event must find a listener, or Node ends the whole process.
  it.runIf(postgres)('fails only the call whose connection the server ends, and serves the next', async () => {
    const { scopedRows } = database.current();
    const error = await databaseError(
      scopedRows!('select pg_terminate_backend(pg_backend_pid())', { sql: 'select $1::int', params: [7] }),
    );
    // The server's own notice (57P01), or the socket's, when the rest of the pipeline was still
    // being written as the server closed it: either way this call fails with the lost connection.
    expect(['57P01', 'ECONNRESET', 'EPIPE']).toContain(error.code);
    expect(await scopedRows!('select 1', { sql: 'select $1::int', params: [8] })).toEqual([[8]]);
  });

  it('serves many calls at once, each with its own scope and values, failures among them', async () => {
    const tenants = [a, b, PLATFORM_TENANT_ID];
    const query = (i: number) =>
      sql`select ${i}::int as i, coalesce(current_setting('app.tenant_id', true), '') as tenant,
                 (select count(*)::int from tenants where id in (${a}, ${b})) as seen,
                 pg_sleep(${(i % 4) / 1000}) is not null as slept`;
    const expected = (i: number) => {
      const owner = tenants[i % 3];
      return [[i, owner === PLATFORM_TENANT_ID ? '' : owner, owner === PLATFORM_TENANT_ID ? 2 : 1, true]];
    };
    const all = await Promise.all(
      Array.from({ length: 50 }, (_, i) => selectOwnerRows(tenants[i % 3], query(i), i % 2 ? custom : generic)),
    );
    expect(all).toEqual(Array.from({ length: 50 }, (_, i) => expected(i)));

    // Every fifth call fails; the others are untouched by the failures beside them.
    const mixed = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        selectOwnerRows(tenants[i % 3], i % 5 === 4 ? sql`select 1 / ${i - i}::int` : query(i), custom),
      ),
    );
    for (const [i, outcome] of mixed.entries()) {
      if (i % 5 === 4) {
        expect(outcome.status).toBe('rejected');
        const error = await databaseError(Promise.reject((outcome as PromiseRejectedResult).reason));
        expect(error.code).toBe('22012');
      } else {
        expect(outcome).toEqual({ status: 'fulfilled', value: expected(i) });
      }
    }

    // Nothing of any scope stays on the pooled connections.
    const db = await getDb();
    const after = await Promise.all(
      Array.from({ length: 12 }, () =>
        db.execute(
          sql`select current_user::text as role, coalesce(current_setting('app.tenant_id', true), '') as tenant,
                     current_setting('transaction_read_only') as read_only`,
        ),
      ),
    );
    for (const r of after) {
      const [row] = rowsOf<{ role: string; tenant: string; read_only: string }>(r);
      expect(row.role).not.toBe('mamori_app');
      expect(row.tenant).toBe('');
      expect(row.read_only).toBe('off');
    }
  });
});

// With a pool of one connection every call meets the connection the previous one left: a failed
// read must hand it back clean, its transaction ended and its statements usable again.
describe('selectOwnerRows on a single pooled connection', () => {
  beforeAll(() => {
    vi.stubEnv('MAMORI_DB_POOL', '1');
  });
  setupTestDatabase();
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('leaves the connection clean after each kind of failure', async () => {
    const a = await createTenant(`rows-one-${Date.now()}`);
    const probe = sql`select pg_backend_pid() as pid, current_setting('app.tenant_id') as tenant,
                             ${'value'}::text as value`;
    const [[pid]] = await selectOwnerRows<[number]>(a, probe, generic);
    const failures: [SQL, string][] = [
      [sql`select 1 / ${0}::int`, '22012'],
      [sql`select no_such_column from tenants`, '42703'],
      [sql`update tenants set name = name`, '25006'],
    ];
    // Twice each: a statement that failed to prepare is prepared again, not looked up.
    for (const [query, code] of [...failures, ...failures]) {
      expect((await databaseError(selectOwnerRows(a, query, generic))).code).toBe(code);
      expect(await selectOwnerRows(a, probe, generic)).toEqual([[pid, a, 'value']]);
    }
    const db = await getDb();
    const [outside] = rowsOf<{ pid: number; tenant: string; read_only: string }>(
      await db.execute(
        sql`select pg_backend_pid() as pid, coalesce(current_setting('app.tenant_id', true), '') as tenant,
                   current_setting('transaction_read_only') as read_only`,
      ),
    );
    expect(outside).toEqual({ pid, tenant: '', read_only: 'off' });
  });

  it('queues many calls on it, each answered with its own rows', async () => {
    const a = await createTenant(`rows-queue-${Date.now()}`);
    const all = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        selectOwnerRows(
          a,
          i % 7 === 3
            ? sql`select ${i}::int / 0`
            : sql`select ${i}::int as i, current_setting('app.tenant_id') as tenant, pg_backend_pid() as pid`,
          custom,
        ).then(
          (rows) => rows,
          (e: { code?: string; cause?: { code?: string } }) => e.code ?? e.cause?.code,
        ),
      ),
    );
    const pids = new Set<unknown>();
    for (const [i, result] of all.entries()) {
      if (i % 7 === 3) {
        expect(result).toBe('22012');
        continue;
      }
      const [[n, tenant, pid]] = result as unknown[][];
      expect([n, tenant]).toEqual([i, a]);
      pids.add(pid);
    }
    expect(pids.size).toBe(1);
  });
});
