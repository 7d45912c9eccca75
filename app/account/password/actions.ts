'use server';
import { redirect } from 'next/navigation';
import { withAction } from '@/lib/auth/with-action';
import { changeOwnPassword, changeOwnPasswordInput } from '@/lib/passwords/change-own-password';

export const changePasswordAction = withAction(
  'app/account/password/actions.ts changePasswordAction',
  changeOwnPasswordInput,
  async (ctx, input) => {
    await changeOwnPassword(ctx, input);
    redirect('/?password=changed');
  },
);
