'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { withAction } from '@/lib/auth/with-action';
import { z } from '@/lib/http/zod-messages';
import { cancelRotationCampaign } from '@/lib/passwords/cancel-rotation-campaign';
import { extendCampaignInput, extendRotationCampaign } from '@/lib/passwords/extend-rotation-campaign';
import { startCampaignInput, startRotationCampaign } from '@/lib/passwords/start-rotation-campaign';
import { uuidSchema } from '@/lib/http/input-schemas';
import { previewRotationCampaign } from '@/lib/passwords/preview-rotation-campaign';
import { campaignTenantsForm, campaignTenantsOf } from '@/lib/passwords/campaign-scope';

const onCampaign = z.object({ tenantId: uuidSchema, campaignId: uuidSchema });

/**
 * The start form as posted: a platform campaign names its tenants explicitly, either "all N"
 * (N as the starter saw it) or a non-empty choice; a tenant's campaign covers the tenant.
 */
const campaignForm = z.object({ tenantId: uuidSchema, ...campaignTenantsForm.shape }).extend({
  reason: startCampaignInput.shape.reason,
  deadline: startCampaignInput.shape.deadline,
  revokeSessions: startCampaignInput.shape.revokeSessions,
});

function campaignInput({ tenantId: _owner, scope, allTenants, tenantIds, ...input }: z.infer<typeof campaignForm>) {
  return { ...input, ...campaignTenantsOf({ scope, allTenants, tenantIds }) };
}

export const previewCampaignAction = withAction(
  'app/t/[tenantId]/rotation/actions.ts previewCampaignAction',
  campaignForm,
  async (ctx, form) => {
    const preview = await previewRotationCampaign(ctx, campaignInput(form));
    // The confirmation posts back exactly what was previewed.
    const { tenantId: _owner, deadline, ...rest } = form;
    return { ok: true, data: { ...preview, form: { ...rest, deadline: deadline.toISOString() } } };
  },
);

export const startCampaignAction = withAction(
  'app/t/[tenantId]/rotation/actions.ts startCampaignAction',
  campaignForm,
  async (ctx, form) => {
    const { campaignId, includesSelf } = await startRotationCampaign(ctx, campaignInput(form));
    const progress = `/t/${form.tenantId}/rotation/${campaignId}?started=1`;
    // The starter under rotation is sent to the change first, told why, and returned after it.
    redirect(includesSelf ? `/account/password?${new URLSearchParams({ rotation: '1', next: progress })}` : progress);
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
