'use server';
import { revalidatePath } from 'next/cache';
import { setAlertWebhook, webhookInput } from '@/lib/alerts/webhooks';
import { withAction } from '@/lib/auth/with-action';
import { z } from '@/lib/http/zod-messages';
import { setTotpPolicy, totpPolicyInput } from '@/lib/mfa/manage-mfa';
import { passwordSettingsInput, updatePasswordSettings } from '@/lib/passwords/update-password-settings';
import { grantSupportAccess, grantSupportInput } from '@/lib/support/grant-support-access';
import { revokeSupportAccess } from '@/lib/support/revoke-support-access';
import { uuidSchema } from '@/lib/http/input-schemas';

export const updatePasswordSettingsAction = withAction(
  { tenant: 'security.write', tenantOf: (i) => i.tenantId },
  z.object({ tenantId: uuidSchema }).extend(passwordSettingsInput.shape),
  async (ctx, { tenantId, ...input }) => {
    await updatePasswordSettings(ctx, tenantId, input);
    revalidatePath(`/t/${tenantId}/security`);
    return { ok: true };
  },
);

export const setTotpPolicyAction = withAction(
  { tenant: 'security.write', tenantOf: (i) => i.tenantId },
  z.object({ tenantId: uuidSchema }).extend(totpPolicyInput.shape),
  async (ctx, { tenantId, ...input }) => {
    await setTotpPolicy(ctx, tenantId, input);
    revalidatePath(`/t/${tenantId}/security`);
    return { ok: true };
  },
);

export const setAlertWebhookAction = withAction(
  { tenant: 'security.write', tenantOf: (i) => i.tenantId },
  z.object({ tenantId: uuidSchema }).extend(webhookInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const { secret } = await setAlertWebhook(ctx, tenantId, input);
    revalidatePath(`/t/${tenantId}/security`);
    return { ok: true, data: { secret } };
  },
);

export const grantSupportAccessAction = withAction(
  { tenant: 'security.write', tenantOf: (i) => i.tenantId },
  z.object({ tenantId: uuidSchema }).extend(grantSupportInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const { expiresAt } = await grantSupportAccess(ctx, tenantId, input);
    revalidatePath(`/t/${tenantId}/security`);
    return { ok: true, data: { expiresAt: expiresAt.toISOString() } };
  },
);

export const revokeSupportAccessAction = withAction(
  { tenant: 'security.write', tenantOf: (i) => i.tenantId },
  z.object({ tenantId: uuidSchema, grantId: uuidSchema }),
  async (ctx, { tenantId, grantId }) => {
    await revokeSupportAccess(ctx, tenantId, grantId);
    revalidatePath(`/t/${tenantId}/security`);
    return { ok: true };
  },
);
