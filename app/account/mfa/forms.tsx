'use client';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { ActionForm, Field } from '@/app/components/action-form';
import { confirmEnrollmentAction, disableTotpAction, regenerateCodesAction, startEnrollmentAction } from './actions';

function RecoveryCodes({ codes }: { codes: string[] }) {
  const t = useTranslations('mfa');
  return (
    <div className="rounded border border-amber-300 bg-amber-50 p-4 text-sm">
      <p className="font-medium">{t('recoveryTitle')}</p>
      <p className="mt-1 text-amber-900">{t('recoveryHelp')}</p>
      <ol className="mt-3 grid grid-cols-2 gap-1 font-mono" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <Link href="/" className="mt-4 inline-block rounded bg-brand-600 px-4 py-2 text-white">
        {t('continue')}
      </Link>
    </div>
  );
}

export function StartEnrollment() {
  const t = useTranslations('mfa');
  return <ActionForm action={startEnrollmentAction} submit={t('start')} testId="start-enrollment" />;
}

export function ConfirmEnrollment({ qrSvg, secretGroups }: { qrSvg: string; secretGroups: string }) {
  const t = useTranslations('mfa');
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <div>
        {/* Rendered on our server from the otpauth URI; the secret never leaves for a third party. */}
        <div
          className="w-56 rounded border border-slate-200 bg-white p-2"
          aria-label={t('qr')}
          dangerouslySetInnerHTML={{ __html: qrSvg }}
        />
        <p className="mt-3 text-sm">{t('manualKey')}</p>
        <code className="mt-1 block font-mono text-lg tracking-wider" data-testid="totp-key">
          {secretGroups}
        </code>
      </div>
      <ActionForm
        action={confirmEnrollmentAction}
        submit={t('confirm')}
        testId="confirm-enrollment"
        success={(s) => <RecoveryCodes codes={(s.data?.recoveryCodes as string[]) ?? []} />}
      >
        <Field name="code" label={t('code')} autoComplete="one-time-code" required />
      </ActionForm>
    </div>
  );
}

export function ManageTotp() {
  const t = useTranslations('mfa');
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-medium">{t('regenerateTitle')}</h2>
        <ActionForm
          action={regenerateCodesAction}
          submit={t('regenerate')}
          tone="plain"
          testId="regenerate"
          success={(s) => <RecoveryCodes codes={(s.data?.recoveryCodes as string[]) ?? []} />}
        />
      </section>
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-medium">{t('disableTitle')}</h2>
        <p className="mb-2 text-sm text-slate-600">{t('disableHelp')}</p>
        <ActionForm action={disableTotpAction} submit={t('disable')} tone="danger" testId="disable-totp">
          <Field name="password" label={t('password')} type="password" autoComplete="current-password" required />
          <Field name="code" label={t('code')} autoComplete="one-time-code" required />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="endOtherSessions" defaultChecked /> {t('endOthers')}
          </label>
        </ActionForm>
      </section>
    </div>
  );
}
