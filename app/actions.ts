'use server';
import { revalidatePath } from 'next/cache';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { acknowledgeAlert } from '@/lib/alerts/acknowledge-alert';
import { signOut } from '@/lib/auth/auth';
import { currentOperator } from '@/lib/auth/guard';
import { revokeOwnSession } from '@/lib/auth/revoke-session';
import { withAction } from '@/lib/auth/with-action';
import { LOCALE_COOKIE, LOCALES } from '@/lib/i18n/locale';
import { stepUp } from '@/lib/mfa/step-up';
import { reasonInput, uuidSchema } from '@/lib/http/input-schemas';
import { containKnownPassword } from '@/lib/alerts/contain-known-password';

export async function logoutAction(): Promise<void> {
  const ctx = await currentOperator();
  if (ctx) await revokeOwnSession(ctx, ctx.sessionId, 'logout');
  await signOut({ redirect: false });
  redirect('/login');
}

const localeInput = z.object({ locale: z.enum(LOCALES) });

/** Unknown locales are ignored rather than stored. */
export async function setLocaleAction(formData: FormData): Promise<void> {
  const parsed = localeInput.safeParse({ locale: formData.get('locale') });
  if (!parsed.success) return;
  (await cookies()).set(LOCALE_COOKIE, parsed.data.locale, {
    path: '/',
    sameSite: 'lax',
    httpOnly: true,
    maxAge: 60 * 60 * 24 * 365,
  });
}

/** Step-up for the action the user just tried: a fresh TOTP or recovery code for this session. */
export const stepUpAction = withAction(
  'app/actions.ts stepUpAction',
  z.object({ code: z.string().trim().min(1).max(64) }),
  async (ctx, { code }) => {
    const r = await stepUp(ctx, code);
    return r.ok ? { ok: true } : { ok: false, error: 'bad_request', fieldErrors: { code: ['wrong_code'] } };
  },
);

export const acknowledgeAlertAction = withAction(
  'app/actions.ts acknowledgeAlertAction',
  z.object({ tenantId: uuidSchema, alertId: uuidSchema }),
  async (ctx, { alertId }) => {
    await acknowledgeAlert(ctx, alertId);
    revalidatePath('/');
    return { ok: true };
  },
);

/** The one-click answer to an alert that an operator's password is known to someone else. */
export const containKnownPasswordAction = withAction(
  'app/actions.ts containKnownPasswordAction',
  z.object({ tenantId: uuidSchema, alertId: uuidSchema }).extend(reasonInput.shape),
  async (ctx, { alertId, reason }) => {
    const r = await containKnownPassword(ctx, alertId, { reason });
    revalidatePath('/');
    return { ok: true, data: r };
  },
);
