import 'server-only';
import { and, eq, gt, sql } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { auditEvents, ipAllowlistEntries, ipAllowlists } from '@/db/schema';
import type { TenantActor } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { lockOperator } from '@/lib/tenancy/operator-guards';
import { allowlistTag, ownerWhere, type ListOwner } from './ip-allowlist-draft';

/** A list with its entries, its ETag, and the requests monitor mode let through in the last 7 days. */
export async function getIpAllowlist(
  ctx: TenantActor<'security.write', 'allowlist:read' | 'allowlist:write'>,
  operatorId: string | null,
) {
  const owner: ListOwner = { tenantId: ctx.granted.tenantId, operatorId };
  return withTenantTx(owner.tenantId, async (tx) => {
    if (owner.operatorId) await lockOperator(tx, owner.tenantId, owner.operatorId);
    const [list] = await tx
      .select({
        id: ipAllowlists.id,
        mode: ipAllowlists.mode,
        version: ipAllowlists.version,
        updatedAt: ipAllowlists.updatedAt,
      })
      .from(ipAllowlists)
      .where(ownerWhere(owner));
    const entries = list
      ? await tx
          .select({
            cidr: ipAllowlistEntries.cidr,
            label: ipAllowlistEntries.label,
            createdByLoginId: ipAllowlistEntries.createdByLoginId,
            createdAt: ipAllowlistEntries.createdAt,
          })
          .from(ipAllowlistEntries)
          .where(and(eq(ipAllowlistEntries.tenantId, owner.tenantId), eq(ipAllowlistEntries.listId, list.id)))
          .orderBy(ipAllowlistEntries.createdAt, ipAllowlistEntries.cidr)
      : [];
    // Requests that monitor mode let through but would have refused, last 7 days.
    const [monitored] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.tenantId, owner.tenantId),
          eq(auditEvents.action, 'access.denied_ip'),
          gt(auditEvents.occurredAt, new Date(now().getTime() - 7 * 86_400_000)),
          sql`${auditEvents.details}->>'monitor' = 'true'`,
          owner.operatorId ? eq(auditEvents.actorOperatorId, owner.operatorId) : sql`true`,
        ),
      );
    const mode = list?.mode ?? 'enforce';
    return {
      mode,
      version: list?.version ?? 0,
      entries,
      monitoredLast7Days: monitored.n,
      etag: allowlistTag(mode, entries),
    };
  });
}
