import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb, rowsOf, withTenantTx } from '@/db';
import { operators, sessions } from '@/db/schema';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';

setupTestDatabase();

describe('row-level security (the second wall)', () => {
  it("hides another tenant's rows even when a query forgets its tenant filter", async () => {
    const t = Date.now();
    const a = await createTenant(`rls-a-${t}`);
    const b = await createTenant(`rls-b-${t}`);
    await createOperator(a, `rls-a-${t}.one`, 'a long enough password');
    const bOp = await createOperator(b, `rls-b-${t}.one`, 'a long enough password');
    // Deliberately no `where tenant_id = ...`:
    const seenByA = await withTenantTx(a, (tx) => tx.select({ tenantId: operators.tenantId }).from(operators));
    expect(seenByA.length).toBe(1);
    expect(seenByA.every((r) => r.tenantId === a)).toBe(true);
    const tenantsSeen = await withTenantTx(a, (tx) => tx.execute(sql`select id from tenants`));
    expect((tenantsSeen as unknown as { rows: { id: string }[] }).rows.map((r) => r.id)).toEqual([a]);

    // Writes are checked too: A cannot update B's operator, nor insert a row for B.
    const updated = await withTenantTx(a, (tx) =>
      tx
        .update(operators)
        .set({ displayName: 'pwned' })
        .where(sql`id = ${bOp}`)
        .returning({ id: operators.id }),
    );
    expect(updated).toHaveLength(0);
    await expect(
      withTenantTx(a, (tx) =>
        tx.insert(sessions).values({ tenantId: b, operatorId: bOp, tokenHash: 'x', expiresAt: new Date() }),
      ),
    ).rejects.toThrow();
  });

  it('sees nothing at all when no tenant is set', async () => {
    const rows = await withTenantTx('', (tx) => tx.execute(sql`select count(*)::int as n from operators`));
    expect((rows as unknown as { rows: { n: number }[] }).rows[0].n).toBe(0);
  });

  it("cannot reference another tenant's row: composite foreign keys carry the tenant", async () => {
    const t = Date.now();
    const a = await createTenant(`fk-a-${t}`);
    const b = await createTenant(`fk-b-${t}`);
    const bOp = await createOperator(b, `fk-b-${t}.one`, 'a long enough password');
    // A session row in tenant A pointing at B's operator violates (tenant_id, operator_id) -> operators.
    await expect(
      withTenantTx(a, (tx) =>
        tx
          .insert(sessions)
          .values({ tenantId: a, operatorId: bOp, tokenHash: `h-${Date.now()}`, expiresAt: new Date() }),
      ),
    ).rejects.toThrow();
  });

  it('covers every table with a tenant_id: row-level security on, a tenant policy, and the app role granted', async () => {
    const db = await getDb();
    const rows = rowsOf<{ table: string; rls: boolean; policies: number; granted: boolean }>(
      await db.execute(sql`
        select c.relname as table, c.relrowsecurity as rls,
               (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies,
               has_table_privilege('mamori_app', c.oid, 'select, insert') as granted
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind = 'r'
           and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`),
    );
    expect(rows.map((r) => r.table)).toEqual(
      expect.arrayContaining(['members', 'orders', 'payment_settings', 'audit_events', 'audit_inbox', 'sessions']),
    );
    // The inbox is the audit door's alone: the app role has no privilege on it at all.
    expect(rows.filter((r) => !r.rls || r.policies === 0 || (!r.granted && r.table !== 'audit_inbox'))).toEqual([]);
    expect(rows.find((r) => r.table === 'audit_inbox')?.granted).toBe(false);
  });
});
