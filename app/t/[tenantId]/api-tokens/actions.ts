'use server';
import { revalidatePath } from 'next/cache';
import { createApiToken, createTokenInput, revokeApiToken } from '@/lib/api/api-tokens';
import { withAction } from '@/lib/auth/with-action';
import { z } from '@/lib/http/zod-messages';
import { uuidSchema } from '@/lib/http/input-schemas';

const tenantOf = (i: { tenantId: string }) => i.tenantId;

export const createTokenAction = withAction(
  { tenant: 'security.write', tenantOf },
  z.object({ tenantId: uuidSchema }).extend(createTokenInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const r = await createApiToken(ctx, tenantId, input);
    revalidatePath(`/t/${tenantId}/api-tokens`);
    return { ok: true, data: { token: r.token } };
  },
);

export const revokeTokenAction = withAction(
  { tenant: 'security.write', tenantOf },
  z.object({ tenantId: uuidSchema, tokenId: uuidSchema }),
  async (ctx, { tenantId, tokenId }) => {
    await revokeApiToken(ctx, tenantId, tokenId);
    revalidatePath(`/t/${tenantId}/api-tokens`);
    return { ok: true };
  },
);
