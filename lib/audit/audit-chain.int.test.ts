import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withPlatformTx, withTenantTx } from '@/db';
import { auditEvents } from '@/db/schema';
import { createTenant } from '@/lib/testing/fixtures';
import { useTestDatabase } from '@/lib/testing/test-db';
import { recordAudit } from './record-audit';
import { verifyChain, type ChainRow } from './verify-chain';

const db = useTestDatabase();

async function chainRows(tenantId: string): Promise<ChainRow[]> {
  const rows = await withPlatformTx((tx) =>
    tx.select().from(auditEvents).where(eq(auditEvents.tenantId, tenantId)).orderBy(asc(auditEvents.seq)),
  );
  return rows.map((r) => ({ ...r, details: r.details as Record<string, unknown> }));
}

const append = (tenantId: string, i: number) =>
  withTenantTx(tenantId, (tx) =>
    recordAudit(tx, { tenantId, action: 'test.event', outcome: 'success', actor: { operatorId: null, loginId: `w${i}` }, details: { i, text: '日本語' } }),
  );

describe('audit hash chain', () => {
  it('16 concurrent writers produce one unbroken chain (no fork, no gap) that verifies', async () => {
    const tenantId = await createTenant(`chain-${Date.now()}`);
    await Promise.all(Array.from({ length: 16 }, (_, w) => (async () => {
      for (let i = 0; i < 10; i++) await append(tenantId, w * 100 + i);
    })()));
    const rows = await chainRows(tenantId);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
    expect(verifyChain(rows)).toMatchObject({ ok: true, count: 160, lastSeq: 160 });
  });

  it('a rolled-back change leaves no event and no gap', async () => {
    const tenantId = await createTenant(`rollback-${Date.now()}`);
    await append(tenantId, 1);
    await expect(
      withTenantTx(tenantId, async (tx) => {
        await recordAudit(tx, { tenantId, action: 'test.event', outcome: 'success' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await append(tenantId, 2);
    const rows = await chainRows(tenantId);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(verifyChain(rows).ok).toBe(true);
  });

  it('detects a modified event and a gap', async () => {
    const tenantId = await createTenant(`tamper-${Date.now()}`);
    for (let i = 0; i < 5; i++) await append(tenantId, i);
    const rows = await chainRows(tenantId);
    expect(verifyChain(rows.map((r) => (r.seq === 3 ? { ...r, action: 'forged' } : r)))).toMatchObject({ ok: false, seq: 3, problem: 'modified' });
    expect(verifyChain(rows.filter((r) => r.seq !== 2))).toMatchObject({ ok: false, seq: 2, problem: 'gap' });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on audit rows, for the app role and even for a superuser', async () => {
    const tenantId = await createTenant(`immutable-${Date.now()}`);
    await append(tenantId, 1);
    for (const stmt of [sql`update audit_events set action = 'x'`, sql`delete from audit_events`, sql`truncate audit_events`]) {
      await expect(withTenantTx(tenantId, (tx) => tx.execute(stmt))).rejects.toThrow();
      // Without SET ROLE: the connecting superuser meets the trigger.
      await expect(db.current().db.execute(stmt)).rejects.toThrow();
    }
    expect(await chainRows(tenantId)).toHaveLength(1);
  });
});
