import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withPlatformTx, withTenantTx } from '@/db';
import { tenants } from '@/db/schema';
import { sequenceAudit } from './sequence-audit';

/**
 * Removes a tenant's audit events older than its retention period, only up to a signed
 * checkpoint (so the rest still verifies), through the database's door, which computes the
 * cut-off from the tenant's retention itself and records `audit.pruned` in the same chain.
 */
export async function pruneAuditEvents(tenantId: string): Promise<number> {
  const [row] = await withTenantTx(tenantId, async (tx) =>
    rowsOf<{ n: string | number }>(await tx.execute(sql`select mamori_prune_audit(${tenantId}::uuid) as n`)),
  );
  const removed = Number(row.n);
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
