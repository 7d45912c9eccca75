import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { rotationCampaigns, rotationTargets } from '@/db/schema';
import { byActor, recordAudit } from '@/lib/audit/record-audit';
import type { TenantActor } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { deadlineSchema } from './campaign-deadline';
import { lockCampaign } from './lock-rotation-campaign';

export const extendCampaignInput = z.object({ deadline: deadlineSchema });

/** A later deadline for a campaign and its operators still pending (never an earlier one). */
export async function extendRotationCampaign(
  ctx: TenantActor<'security.write', 'rotation:write'>,
  campaignId: string,
  input: z.infer<typeof extendCampaignInput>,
) {
  const ownerTenantId = ctx.granted.tenantId;
  return withOwnerTx(ownerTenantId, async (tx) => {
    const before = await lockCampaign(tx, ownerTenantId, campaignId);
    if (input.deadline.getTime() <= Math.max(before.deadline.getTime(), now().getTime()))
      throw new AppError('bad_request', { deadline: ['not_later'] });
    await tx
      .update(rotationCampaigns)
      .set({ deadline: input.deadline })
      .where(and(eq(rotationCampaigns.tenantId, ownerTenantId), eq(rotationCampaigns.id, campaignId)));
    await tx
      .update(rotationTargets)
      .set({ deadline: input.deadline })
      .where(
        and(
          eq(rotationTargets.campaignTenantId, ownerTenantId),
          eq(rotationTargets.campaignId, campaignId),
          eq(rotationTargets.status, 'pending'),
        ),
      );
    await recordAudit(tx, {
      tenantId: ownerTenantId,
      action: 'rotation.extended',
      outcome: 'success',
      ...byActor(ctx),
      target: { type: 'rotation_campaign', id: campaignId },
      details: { before: before.deadline.toISOString(), after: input.deadline.toISOString() },
    });
  });
}
