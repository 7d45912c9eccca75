import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { ipAllowlists, tenantPosture } from '@/db/schema';
import type { TenantAccess } from '@/lib/kernel/access';
import type { PostureReason } from './posture-score';
import { refreshPosture } from './refresh-posture';

/**
 * A company's own posture for its admins, refreshed as they look (so what they just fixed shows,
 * and the platform's page has it too), with when its allowlist was last changed (how long it has
 * only monitored).
 */
export async function getOwnPosture(ctx: TenantAccess<'security.write'>) {
  const tenantId = ctx.granted.tenantId;
  await refreshPosture([tenantId]);
  return withTenantTx(tenantId, async (tx) => {
    const [row] = await tx.select().from(tenantPosture).where(eq(tenantPosture.tenantId, tenantId));
    if (!row) return null;
    const [list] = await tx
      .select({ updatedAt: ipAllowlists.updatedAt })
      .from(ipAllowlists)
      .where(and(eq(ipAllowlists.tenantId, tenantId), isNull(ipAllowlists.operatorId)));
    return { ...row, reasons: row.reasons as PostureReason[], allowlistChangedAt: list?.updatedAt ?? null };
  });
}
