'use server';
import { redirect } from 'next/navigation';
import { withAction } from '@/lib/auth/with-action';
import { safeReturnPath } from '@/lib/http/return-path';
import { z } from '@/lib/http/zod-messages';
import { changeOwnPassword, changeOwnPasswordInput } from '@/lib/passwords/change-own-password';

export const changePasswordAction = withAction(
  'app/account/password/actions.ts changePasswordAction',
  changeOwnPasswordInput.and(z.object({ next: z.string().max(2048).optional() })),
  async (ctx, { next, ...input }) => {
    await changeOwnPassword(ctx, input);
    // Back to the page that sent the operator here (a campaign's progress, a page the guard held).
    redirect(safeReturnPath(next) ?? '/?password=changed');
  },
);
