'use server';
import { revalidatePath } from 'next/cache';
import { withAction } from '@/lib/auth/with-action';
import {
  paymentSettingsInput,
  revealInput,
  revealPaymentSecret,
  updatePaymentSettings,
} from '@/lib/ec/payment-settings';
import { z } from '@/lib/http/zod-messages';
import { uuidSchema } from '@/lib/http/input-schemas';

const tenantOf = (i: { tenantId: string }) => i.tenantId;
const site = z.object({ tenantId: uuidSchema, siteId: uuidSchema });

export const revealSecretAction = withAction(
  { tenant: 'payment_settings.reveal', tenantOf },
  site.extend(revealInput.shape),
  async (ctx, { tenantId, siteId, ...input }) => {
    const r = await revealPaymentSecret(ctx, tenantId, siteId, input);
    return { ok: true, data: { value: r.value, expiresInSeconds: r.expiresInSeconds } };
  },
);

export const updatePaymentSettingsAction = withAction(
  { tenant: 'payment_settings.write', tenantOf },
  site.extend(paymentSettingsInput.shape),
  async (ctx, { tenantId, siteId, ...input }) => {
    const r = await updatePaymentSettings(ctx, tenantId, siteId, input);
    revalidatePath(`/t/${tenantId}/sites/${siteId}/payment`);
    return { ok: true, data: { fields: r.fields } };
  },
);
