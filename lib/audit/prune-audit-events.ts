import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { getDb, rowsOf, withPlatformTx } from '@/db';
import { tenants } from '@/db/schema';
import { now } from '@/lib/clock';
import { recordAudit } from './record-audit';
import { sequenceAudit } from './sequence-audit';

/**
 * Removes a tenant's audit events older than its retention period, only up to a signed
 * checkpoint (so the rest still verifies), through the database function that alone may delete
 * audit rows. Runs as the owner, not the app role; records `audit.pruned` in the same chain.
 */
export async function pruneAuditEvents(tenantId: string): Promise<number> {
  const [t] = await withPlatformTx((tx) => tx.select({ days: tenants.auditRetentionDays }).from(tenants).where(eq(tenants.id, tenantId)));
  if (!t) return 0;
  const before = new Date(now().getTime() - t.days * 86_400_000);
  const db = await getDb();
  const removed = await db.transaction(async (tx) => {
    const [row] = rowsOf<{ n: string | number }>(await tx.execute(sql`select prune_audit_events(${tenantId}::uuid, ${before.toISOString()}::timestamptz) as n`));
    const removed = Number(row.n);
    if (removed > 0) {
      await recordAudit(tx as never, {
        tenantId,
        action: 'audit.pruned',
        outcome: 'success',
        actor: { operatorId: null, loginId: 'system:retention' },
        target: { type: 'tenant', id: tenantId },
        details: { removed, olderThan: before.toISOString(), retentionDays: t.days },
      });
    }
    return removed;
  });
  // Its audit.pruned event may have found the chain busy and be waiting to be chained.
  if (removed > 0) await sequenceAudit(tenantId, []);
  return removed;
}

/** Every tenant's retention, once a day from the server entry. */
export async function pruneAllTenants(): Promise<number> {
  const all = await withPlatformTx((tx) => tx.select({ id: tenants.id }).from(tenants));
  let removed = 0;
  for (const t of all) removed += await pruneAuditEvents(t.id);
  return removed;
}
