'use server';
import { revalidatePath } from 'next/cache';
import { setAlertWebhook, webhookInput } from '@/lib/alerts/webhooks';
import { withAction } from '@/lib/auth/with-action';
import { z } from '@/lib/http/zod-messages';
import { setTotpPolicy, totpPolicyInput } from '@/lib/mfa/manage-mfa';
import { passwordSettingsInput, updatePasswordSettings } from '@/lib/passwords/update-password-settings';
import { grantSupportAccess, grantSupportInput } from '@/lib/support/grant-support-access';
import { revokeSupportAccess } from '@/lib/support/revoke-support-access';
import { ifMatchInput, uuidSchema } from '@/lib/http/input-schemas';
import { dormancyPeriodInput, setDormancyPeriod } from '@/lib/tenancy/set-dormancy-period';

export const updatePasswordSettingsAction = withAction(
  'app/t/[tenantId]/security/actions.ts updatePasswordSettingsAction',
  z.object({ tenantId: uuidSchema }).extend(passwordSettingsInput.shape).extend(ifMatchInput.shape),
  async (ctx, { tenantId, ifMatch, ...input }) => {
    await updatePasswordSettings(ctx, input, { ifMatch });
    revalidatePath(`/t/${tenantId}/security`);
    return { ok: true };
  },
);

export const setTotpPolicyAction = withAction(
  'app/t/[tenantId]/security/actions.ts setTotpPolicyAction',
  z.object({ tenantId: uuidSchema }).extend(totpPolicyInput.shape).extend(ifMatchInput.shape),
  async (ctx, { tenantId, ifMatch, ...input }) => {
    await setTotpPolicy(ctx, input, { ifMatch });
    revalidatePath(`/t/${tenantId}/security`);
    return { ok: true };
  },
);

export const setDormancyPeriodAction = withAction(
  'app/t/[tenantId]/security/actions.ts setDormancyPeriodAction',
  z.object({ tenantId: uuidSchema }).extend(dormancyPeriodInput.shape),
  async (ctx, { tenantId, ...input }) => {
    await setDormancyPeriod(ctx, input);
    revalidatePath(`/t/${tenantId}/security`);
    revalidatePath(`/t/${tenantId}`);
    return { ok: true };
  },
);

export const setAlertWebhookAction = withAction(
  'app/t/[tenantId]/security/actions.ts setAlertWebhookAction',
  z.object({ tenantId: uuidSchema }).extend(webhookInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const { secret } = await setAlertWebhook(ctx, input);
    revalidatePath(`/t/${tenantId}/security`);
    return { ok: true, data: { secret } };
  },
);

export const grantSupportAccessAction = withAction(
  'app/t/[tenantId]/security/actions.ts grantSupportAccessAction',
  z.object({ tenantId: uuidSchema }).extend(grantSupportInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const { expiresAt } = await grantSupportAccess(ctx, input);
    revalidatePath(`/t/${tenantId}/security`);
    return { ok: true, data: { expiresAt: expiresAt.toISOString() } };
  },
);

export const revokeSupportAccessAction = withAction(
  'app/t/[tenantId]/security/actions.ts revokeSupportAccessAction',
  z.object({ tenantId: uuidSchema, grantId: uuidSchema }),
  async (ctx, { tenantId, grantId }) => {
    await revokeSupportAccess(ctx, grantId);
    revalidatePath(`/t/${tenantId}/security`);
    return { ok: true };
  },
);
