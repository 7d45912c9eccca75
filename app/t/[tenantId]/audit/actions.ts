'use server';
import { verifyLiveChain } from '@/lib/audit/verify-live-chain';
import { withAction } from '@/lib/auth/with-action';
import { z } from '@/lib/http/zod-messages';
import { uuidSchema } from '@/lib/http/input-schemas';

export const verifyChainAction = withAction(
  'app/t/[tenantId]/audit/actions.ts verifyChainAction',
  z.object({ tenantId: uuidSchema }),
  async (ctx) => {
    const verdict = await verifyLiveChain(ctx);
    return { ok: true, data: verdict as unknown as Record<string, unknown> };
  },
);
