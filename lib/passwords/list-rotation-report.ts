import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { UUID, rowsOf, withOwnerTx } from '@/db';
import { AppError } from '@/lib/http/app-error';
import { rotationCampaigns } from '@/db/schema';
import type { TenantActor } from '@/lib/kernel/access';
import { decodeCursor, encodeCursor } from '@/lib/http/cursor';

export const REPORT_PAGE = 500;

/**
 * Who rotated when, one page of a campaign's operators at a time, keyset-paged on the targets'
 * key (tenant, operator): the report a regulator or an HR system reads. Null for no such campaign.
 */
export async function listRotationReport(
  ctx: TenantActor<'operators.read', 'rotation:read' | 'rotation:write'>,
  campaignId: string,
  after?: string,
) {
  const ownerTenantId = ctx.granted.tenantId;
  const cursor = decodeCursor(after);
  // A cursor is opaque but not trusted: one made by hand must name a tenant.
  if (cursor && (typeof cursor.value !== 'string' || !UUID.test(cursor.value)))
    throw new AppError('bad_request', { after: ['invalid_cursor'] });
  return withOwnerTx(
    ownerTenantId,
    async (tx) => {
      const [campaign] = await tx
        .select({ id: rotationCampaigns.id })
        .from(rotationCampaigns)
        .where(and(eq(rotationCampaigns.tenantId, ownerTenantId), eq(rotationCampaigns.id, campaignId)));
      if (!campaign) return null;
      const rows = rowsOf<{
        tenantId: string;
        tenantCode: string;
        operatorId: string;
        loginId: string;
        displayName: string;
        status: 'pending' | 'rotated' | 'locked' | 'cancelled';
        deadline: string;
        rotatedAt: string | null;
        lockedAt: string | null;
        lastLoginAt: string | null;
      }>(
        await tx.execute(sql`
          select t.tenant_id as "tenantId", tn.code as "tenantCode", t.operator_id as "operatorId", o.login_id as "loginId",
                 o.display_name as "displayName", t.status, t.deadline, t.rotated_at as "rotatedAt", t.locked_at as "lockedAt",
                 o.last_login_at as "lastLoginAt"
            from rotation_targets t
            join operators o on o.tenant_id = t.tenant_id and o.id = t.operator_id
            join tenants tn on tn.id = t.tenant_id
           where t.campaign_tenant_id = ${ownerTenantId} and t.campaign_id = ${campaignId}
             ${cursor ? sql`and (t.tenant_id, t.operator_id) > (${cursor.value}::uuid, ${cursor.id}::uuid)` : sql``}
           order by t.tenant_id, t.operator_id
           limit ${REPORT_PAGE + 1}`),
      );
      const page = rows.slice(0, REPORT_PAGE);
      const last = page.at(-1);
      const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());
      return {
        operators: page.map((r) => ({
          ...r,
          deadline: iso(r.deadline)!,
          rotatedAt: iso(r.rotatedAt),
          lockedAt: iso(r.lockedAt),
          lastLoginAt: iso(r.lastLoginAt),
        })),
        next: rows.length > REPORT_PAGE && last ? encodeCursor(last.tenantId, last.operatorId) : null,
      };
    },
    { readOnly: true },
  );
}
