'use server';
import { verifyLiveChain } from '@/lib/audit/verify-live-chain';
import { withAction } from '@/lib/auth/with-action';
import { z } from '@/lib/http/zod-messages';
import { uuidSchema } from '@/lib/http/input-schemas';

export const verifyChainAction = withAction(
  { tenant: 'audit.read', tenantOf: (i) => i.tenantId },
  z.object({ tenantId: uuidSchema }),
  async (ctx, { tenantId }) => {
    const verdict = await verifyLiveChain(ctx, tenantId);
    return { ok: true, data: verdict as unknown as Record<string, unknown> };
  },
);
