'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { withAction } from '@/lib/auth/with-action';
import { z } from '@/lib/http/zod-messages';
import {
  cancelRotationCampaign,
  extendCampaignInput,
  extendRotationCampaign,
  startCampaignInput,
  startRotationCampaign,
} from '@/lib/passwords/rotation-campaigns';
import { uuidSchema } from '@/lib/http/input-schemas';

const tenantOf = (i: { tenantId: string }) => i.tenantId;
const onCampaign = z.object({ tenantId: uuidSchema, campaignId: uuidSchema });

export const startCampaignAction = withAction(
  { tenant: 'security.write', tenantOf },
  z.object({ tenantId: uuidSchema, tenantIds: z.string().max(400_000).optional() }).extend({
    reason: startCampaignInput.shape.reason,
    deadline: startCampaignInput.shape.deadline,
    revokeSessions: startCampaignInput.shape.revokeSessions,
  }),
  async (ctx, { tenantId, tenantIds, ...input }) => {
    // A comma-separated list of tenant ids from the chooser; empty means every tenant.
    const ids = (tenantIds ?? '').split(',').filter(Boolean);
    const parsedIds = z.array(uuidSchema).safeParse(ids);
    if (!parsedIds.success) return { ok: false, error: 'bad_request', fieldErrors: { tenantIds: ['invalid'] } };
    const { campaignId } = await startRotationCampaign(ctx, tenantId, {
      ...input,
      tenantIds: parsedIds.data.length ? parsedIds.data : undefined,
    });
    redirect(`/t/${tenantId}/rotation/${campaignId}`);
  },
);

export const extendCampaignAction = withAction(
  { tenant: 'security.write', tenantOf },
  onCampaign.extend(extendCampaignInput.shape),
  async (ctx, { tenantId, campaignId, ...input }) => {
    await extendRotationCampaign(ctx, tenantId, campaignId, input);
    revalidatePath(`/t/${tenantId}/rotation/${campaignId}`);
    return { ok: true };
  },
);

export const cancelCampaignAction = withAction(
  { tenant: 'security.write', tenantOf },
  onCampaign,
  async (ctx, { tenantId, campaignId }) => {
    const r = await cancelRotationCampaign(ctx, tenantId, campaignId);
    revalidatePath(`/t/${tenantId}/rotation/${campaignId}`);
    return { ok: true, data: r };
  },
);
