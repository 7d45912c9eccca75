import { getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { pendingEnrollment } from '@/lib/mfa/enroll-totp';
import { ManageTotp, TotpEnrollment } from './forms';

export default async function MfaPage() {
  const ctx = await requireAccess('app/account/mfa/page.tsx');
  const [t, state] = await Promise.all([getTranslations('mfa'), pendingEnrollment(ctx)]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      {ctx.mustEnrollMfa && (
        <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="must-enroll">
          {t('mustEnroll')}
        </p>
      )}
      <p className="max-w-3xl text-sm text-slate-600" data-testid="mfa-status">
        {state.status === 'active' ? t('statusActive') : t('intro')}
      </p>
      {state.status === 'active' ? (
        <ManageTotp loginId={ctx.loginId} />
      ) : (
        // One element for both states, so the step shown survives the page refresh that starting makes.
        <TotpEnrollment
          loginId={ctx.loginId}
          setup={state.status === 'pending' ? { qrSvg: state.qrSvg, secretGroups: state.secretGroups } : null}
        />
      )}
    </div>
  );
}
