'use server';
import { revalidatePath } from 'next/cache';
import { withAction } from '@/lib/auth/with-action';
import { uuidSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import { declareCompromise, declareCompromiseInput } from '@/lib/incidents/declare-compromise';
import { endCompromise, endCompromiseInput } from '@/lib/incidents/end-compromise';
import { campaignTenantsForm, campaignTenantsOf } from '@/lib/passwords/campaign-scope';

const inTenant = z.object({ tenantId: uuidSchema });

export const declareCompromiseAction = withAction(
  'app/t/[tenantId]/compromise/actions.ts declareCompromiseAction',
  // The tenant choice as TenantScope posts it; the rest as the declaration takes it.
  inTenant
    .extend(declareCompromiseInput.omit({ tenantIds: true, allTenants: true }).shape)
    .extend(campaignTenantsForm.shape),
  async (ctx, { tenantId, scope, allTenants, tenantIds, ...input }) => {
    const r = await declareCompromise(ctx, { ...input, ...campaignTenantsOf({ scope, allTenants, tenantIds }) });
    revalidatePath(`/t/${tenantId}/compromise`);
    return { ok: true, data: r };
  },
);

export const endCompromiseAction = withAction(
  'app/t/[tenantId]/compromise/actions.ts endCompromiseAction',
  inTenant.extend(endCompromiseInput.shape),
  async (ctx, { tenantId, ...input }) => {
    await endCompromise(ctx, input);
    revalidatePath(`/t/${tenantId}/compromise`);
    return { ok: true };
  },
);
