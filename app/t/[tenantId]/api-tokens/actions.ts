'use server';
import { revalidatePath } from 'next/cache';
import { createApiToken, createTokenInput } from '@/lib/api/create-api-token';
import { revokeApiToken } from '@/lib/api/revoke-api-token';
import { withAction } from '@/lib/auth/with-action';
import { z } from '@/lib/http/zod-messages';
import { uuidSchema } from '@/lib/http/input-schemas';

export const createTokenAction = withAction(
  'app/t/[tenantId]/api-tokens/actions.ts createTokenAction',
  z.object({ tenantId: uuidSchema }).extend(createTokenInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const r = await createApiToken(ctx, input);
    revalidatePath(`/t/${tenantId}/api-tokens`);
    return { ok: true, data: { token: r.token } };
  },
);

export const revokeTokenAction = withAction(
  'app/t/[tenantId]/api-tokens/actions.ts revokeTokenAction',
  z.object({ tenantId: uuidSchema, tokenId: uuidSchema }),
  async (ctx, { tenantId, tokenId }) => {
    await revokeApiToken(ctx, tokenId);
    revalidatePath(`/t/${tenantId}/api-tokens`);
    return { ok: true };
  },
);
