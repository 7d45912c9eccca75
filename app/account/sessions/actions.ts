'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { revokeOwnSession } from '@/lib/auth/revoke-session';
import { withAction } from '@/lib/auth/with-action';

export const revokeSessionAction = withAction(
  'app/account/sessions/actions.ts revokeSessionAction',
  z.object({ sessionId: z.uuid() }),
  async (ctx, input) => {
    const ended = await revokeOwnSession(ctx, input.sessionId, 'revoked_by_owner');
    revalidatePath('/account/sessions');
    return ended ? { ok: true } : { ok: false, error: 'not_found' };
  },
);
