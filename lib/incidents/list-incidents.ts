import 'server-only';
import { desc, eq, sql } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { incidents } from '@/db/schema';
import type { TenantAccess } from '@/lib/kernel/access';

const LIST_LIMIT = 200;

/** The granted tenant's incidents, open ones first, then the newest; with how many pivots each has. */
export async function listIncidents(ctx: TenantAccess<'audit.read'>) {
  const owner = ctx.granted.tenantId;
  return withOwnerTx(
    owner,
    (tx) =>
      tx
        .select({
          id: incidents.id,
          title: incidents.title,
          openedAt: incidents.openedAt,
          openedByLoginId: incidents.openedByLoginId,
          closedAt: incidents.closedAt,
          pivots: sql<number>`(select count(*)::int from incident_pivots p
            where p.tenant_id = ${incidents.tenantId} and p.incident_id = ${incidents.id})`.mapWith(Number),
        })
        .from(incidents)
        .where(eq(incidents.tenantId, owner))
        .orderBy(sql`${incidents.closedAt} is null desc`, desc(incidents.openedAt))
        .limit(LIST_LIMIT),
    { readOnly: true },
  );
}
