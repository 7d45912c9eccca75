import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withTenantTx } from '@/db';
import { members, orders } from '@/db/schema';
import { createSite, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';

setupTestDatabase();

describe('shop data generator', () => {
  it('writes exactly the requested members, orders and distinct customers', async () => {
    const a = await createTenant(`gen-a-${Date.now()}`);
    const site = await createSite(a, 'main', { members: 200, orders: 300, customers: 120 });
    const stats = await withTenantTx(a, async (tx) => {
      const [m] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(members)
        .where(and(eq(members.tenantId, a), eq(members.siteId, site)));
      const [o] = await tx
        .select({
          n: sql<number>`count(*)::int`,
          customers: sql<number>`count(distinct ${orders.memberId})::int`,
          formula: sql<number>`count(*) filter (where ${orders.customerComment} like '=%')::int`,
        })
        .from(orders)
        .where(and(eq(orders.tenantId, a), eq(orders.siteId, site)));
      return { members: m.n, ...o };
    });
    expect(stats).toMatchObject({ members: 200, n: 300, customers: 120 });
    // Some comments look like spreadsheet formulas, so exports are tested against real data.
    expect(stats.formula).toBeGreaterThan(0);

    const first = await withTenantTx(a, (tx) =>
      tx
        .select({ name: members.name, email: members.email, phone: members.phone })
        .from(members)
        .where(and(eq(members.tenantId, a), eq(members.memberNo, 'M0000007'))),
    );
    expect(first[0].email).toMatch(/^[a-z]+\.[a-z]+7@mail\.example\.jp$/);
    expect(first[0].phone).toMatch(/^0[789]0-\d{4}-\d{4}$/);
  });
});
