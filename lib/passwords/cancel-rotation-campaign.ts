import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { affectedRows, withOwnerTx } from '@/db';
import { rotationCampaigns } from '@/db/schema';
import { byActor, recordAudit } from '@/lib/audit/record-audit';
import type { TenantActor } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { lockCampaign } from './lock-rotation-campaign';

/**
 * Stops a campaign: pending operators are released from the must-change flag it set (unless
 * another campaign still holds them); operators already locked stay locked until an admin resets them.
 */
export async function cancelRotationCampaign(ctx: TenantActor<'security.write', 'rotation:write'>, campaignId: string) {
  const ownerTenantId = ctx.granted.tenantId;
  return withOwnerTx(ownerTenantId, async (tx) => {
    await lockCampaign(tx, ownerTenantId, campaignId);
    await tx
      .update(rotationCampaigns)
      .set({ status: 'cancelled', cancelledAt: now() })
      .where(and(eq(rotationCampaigns.tenantId, ownerTenantId), eq(rotationCampaigns.id, campaignId)));
    const released = await tx.execute(sql`
      with cancelled as (
        update rotation_targets set status = 'cancelled'
         where campaign_tenant_id = ${ownerTenantId} and campaign_id = ${campaignId} and status = 'pending'
        returning tenant_id, operator_id
      )
      update operators o set must_change_password = false
        from cancelled c
       where o.tenant_id = c.tenant_id and o.id = c.operator_id
         and not exists (select 1 from rotation_targets t where t.tenant_id = c.tenant_id and t.operator_id = c.operator_id
                          and t.status = 'pending' and t.campaign_id <> ${campaignId})`);
    const count = affectedRows(released);
    await recordAudit(tx, {
      tenantId: ownerTenantId,
      action: 'rotation.cancelled',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'rotation_campaign', id: campaignId },
      details: { released: count },
    });
    return { released: count };
  });
}
