import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb, rowsOf, selectOwnerRows, selectRows, withTenantTx } from '@/db';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';

const database = setupTestDatabase();
const postgres = Boolean(process.env.DATABASE_URL);

describe('scoped transactions', () => {
  it('read one query as the tenant sees it, the second wall included', async () => {
    const a = await createTenant(`scoped-a-${Date.now()}`);
    await createTenant(`scoped-b-${Date.now()}`);
    // No tenant filter in the query: row-level security alone keeps B out.
    const rows = await selectOwnerRows<[string]>(a, sql`select id from tenants`, { plan: 'custom' });
    expect(rows.map((r) => r[0])).toEqual([a]);
  });

  // On PostgreSQL the opening is pipelined ahead of the work: when it fails, nothing behind it may
  // run outside the scope, the opening's error is the one reported, and the connection is clean.
  it.runIf(postgres)('run none of the work when the opening fails, and leave the connection clean', async () => {
    const { scopedTx, scopedRows } = database.current();
    const db = await getDb();
    await db.execute(sql`create table scoped_probe (n int)`);
    await expect(
      scopedTx!('select 1/0', false, (tx) => tx.execute(sql`insert into scoped_probe values (1)`)),
    ).rejects.toThrow(/division by zero/);
    await expect(scopedRows!('select 1/0', { sql: 'select count(*) from scoped_probe', params: [] })).rejects.toThrow(
      /division by zero/,
    );
    expect(rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from scoped_probe`))[0].n).toBe(0);
    // Every pooled connection still works inside a scope afterwards.
    const a = await createTenant(`scoped-c-${Date.now()}`);
    const seen = await Promise.all(
      Array.from({ length: 12 }, () =>
        withTenantTx(a, (tx) =>
          tx.execute(sql`select current_user as role, current_setting('app.tenant_id') as tenant`),
        ),
      ),
    );
    expect(seen.map((r) => rowsOf<{ role: string; tenant: string }>(r)[0])).toEqual(
      Array(12).fill({ role: 'mamori_app', tenant: a }),
    );
  });

  // The one-query read sends opening, query and COMMIT at once: the scope holds for the query,
  // the query cannot write, and nothing of the scope outlives it on the pooled connections.
  it.runIf(postgres)('scope one read-only query and leave nothing of the scope on the connection', async () => {
    const { scopedRows } = database.current();
    const db = await getDb();
    const a = await createTenant(`scoped-d-${Date.now()}`);
    const opening = `select set_config('role', 'mamori_app', true), set_config('app.tenant_id', '${a}', true)`;
    const inside = await Promise.all(
      Array.from({ length: 12 }, () =>
        scopedRows!(opening, {
          sql: `select current_user::text, current_setting('app.tenant_id'), current_setting('transaction_read_only')`,
          params: [],
        }),
      ),
    );
    expect(inside.map((r) => r[0])).toEqual(Array(12).fill(['mamori_app', a, 'on']));
    await db.execute(sql`create table if not exists scoped_probe (n int)`);
    await db.execute(sql`grant insert on scoped_probe to mamori_app`);
    await expect(
      scopedRows!(opening, { sql: 'insert into scoped_probe values ($1) returning n', params: [3] }),
    ).rejects.toThrow(/read-only transaction/);
    const after = await Promise.all(
      Array.from({ length: 12 }, () =>
        db.execute(
          sql`select current_user::text as role, coalesce(current_setting('app.tenant_id', true), '') as tenant`,
        ),
      ),
    );
    expect(after.map((r) => rowsOf<{ role: string; tenant: string }>(r)[0].tenant)).toEqual(Array(12).fill(''));
    expect(after.every((r) => rowsOf<{ role: string }>(r)[0].role !== 'mamori_app')).toBe(true);
    expect(rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from scoped_probe`))[0].n).toBe(0);
  });

  // On PGlite the values are written into the text: whatever a caller passes must come back as
  // it went in, and what cannot be spelled faithfully is refused rather than altered.
  it('select rows with their values intact, and refuse values that cannot be spelled', async () => {
    const odd = `it's a \\'quote'\\ -- /* ; select 1; $$ 日本語 \u{1F600}`;
    const [row] = await selectRows<{ s: string; n: number; b: boolean; z: string | null }>(
      sql`select ${odd}::text as s, ${-42.5}::float8 as n, ${true}::boolean as b, ${null}::text as z`,
    );
    expect(row).toEqual({ s: odd, n: -42.5, b: true, z: null });
    await expect(selectRows(sql`select ${'a\u0000b'}::text`)).rejects.toThrow();
    if (!postgres)
      await expect(selectRows(sql`select ${new Date()}::timestamptz`)).rejects.toThrow(/strings, numbers and booleans/);
  });
});
