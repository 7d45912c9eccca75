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

const onCampaign = z.object({ tenantId: uuidSchema, campaignId: uuidSchema });

export const startCampaignAction = withAction(
  'app/t/[tenantId]/rotation/actions.ts startCampaignAction',
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
    const { campaignId } = await startRotationCampaign(ctx, {
      ...input,
      tenantIds: parsedIds.data.length ? parsedIds.data : undefined,
    });
    redirect(`/t/${tenantId}/rotation/${campaignId}`);
  },
);

export const extendCampaignAction = withAction(
  'app/t/[tenantId]/rotation/actions.ts extendCampaignAction',
  onCampaign.extend(extendCampaignInput.shape),
  async (ctx, { tenantId, campaignId, ...input }) => {
    await extendRotationCampaign(ctx, campaignId, input);
    revalidatePath(`/t/${tenantId}/rotation/${campaignId}`);
    return { ok: true };
  },
);

export const cancelCampaignAction = withAction(
  'app/t/[tenantId]/rotation/actions.ts cancelCampaignAction',
  onCampaign,
  async (ctx, { tenantId, campaignId }) => {
    const r = await cancelRotationCampaign(ctx, campaignId);
    revalidatePath(`/t/${tenantId}/rotation/${campaignId}`);
    return { ok: true, data: r };
  },
);
