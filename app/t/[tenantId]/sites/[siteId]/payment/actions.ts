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

const site = z.object({ tenantId: uuidSchema, siteId: uuidSchema });

export const revealSecretAction = withAction(
  'app/t/[tenantId]/sites/[siteId]/payment/actions.ts revealSecretAction',
  site.extend(revealInput.shape),
  async (ctx, { siteId, ...input }) => {
    const r = await revealPaymentSecret(ctx, siteId, input);
    return { ok: true, data: { value: r.value, expiresInSeconds: r.expiresInSeconds } };
  },
);

export const updatePaymentSettingsAction = withAction(
  'app/t/[tenantId]/sites/[siteId]/payment/actions.ts updatePaymentSettingsAction',
  site.extend(paymentSettingsInput.shape),
  async (ctx, { tenantId, siteId, ...input }) => {
    const r = await updatePaymentSettings(ctx, siteId, input);
    revalidatePath(`/t/${tenantId}/sites/${siteId}/payment`);
    return { ok: true, data: { fields: r.fields } };
  },
);
