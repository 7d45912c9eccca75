'use server';
import { revalidatePath } from 'next/cache';
import { withAction } from '@/lib/auth/with-action';
import { z } from '@/lib/http/zod-messages';
import { confirmTotpEnrollment, regenerateRecoveryCodes, startTotpEnrollment } from '@/lib/mfa/enroll-totp';
import { disableOwnTotp, disableOwnTotpInput } from '@/lib/mfa/manage-mfa';

export const startEnrollmentAction = withAction(
  'app/account/mfa/actions.ts startEnrollmentAction',
  z.object({}),
  async (ctx) => {
    await startTotpEnrollment(ctx);
    revalidatePath('/account/mfa');
    return { ok: true };
  },
);

export const confirmEnrollmentAction = withAction(
  'app/account/mfa/actions.ts confirmEnrollmentAction',
  z.object({ code: z.string().trim().min(1).max(16) }),
  async (ctx, { code }) => {
    const r = await confirmTotpEnrollment(ctx, code);
    // No revalidatePath: the page would redraw as enrolled and drop the recovery codes, shown only now.
    return { ok: true, data: r };
  },
);

export const regenerateCodesAction = withAction(
  'app/account/mfa/actions.ts regenerateCodesAction',
  z.object({}),
  async (ctx) => {
    const r = await regenerateRecoveryCodes(ctx);
    return { ok: true, data: r };
  },
);

export const disableTotpAction = withAction(
  'app/account/mfa/actions.ts disableTotpAction',
  disableOwnTotpInput,
  async (ctx, input) => {
    const r = await disableOwnTotp(ctx, input);
    revalidatePath('/account/mfa');
    return { ok: true, data: r };
  },
);
