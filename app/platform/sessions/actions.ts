'use server';
import { bulkRevokeInput, endAllSessions } from '@/lib/auth/revoke-sessions-bulk';
import { withAction } from '@/lib/auth/with-action';

export const endAllSessionsAction = withAction(
  'app/platform/sessions/actions.ts endAllSessionsAction',
  bulkRevokeInput,
  async (ctx, { reason }) => {
    const r = await endAllSessions(ctx, reason);
    return { ok: true, data: r };
  },
);
