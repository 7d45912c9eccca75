'use server';
import { endAllSessions, endAllSessionsInput } from '@/lib/auth/revoke-sessions-bulk';
import { withAction } from '@/lib/auth/with-action';

export const endAllSessionsAction = withAction(
  'app/platform/sessions/actions.ts endAllSessionsAction',
  endAllSessionsInput,
  async (ctx, input) => {
    const r = await endAllSessions(ctx, input);
    return { ok: true, data: r };
  },
);
