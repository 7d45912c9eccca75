'use client';
import Link from 'next/link';
import { useActionState } from 'react';
import { submitKeepingInput } from '@/app/components/action-form';
import { useTranslations } from 'next-intl';
import { verifyCodeAction } from '../actions';

export function VerifyForm({ next }: { next: string | null }) {
  const t = useTranslations('mfa');
  const [state, action, pending] = useActionState(verifyCodeAction, null);
  return (
    <form action={action} onSubmit={submitKeepingInput(action)} className="space-y-4">
      {next && <input type="hidden" name="next" value={next} />}
      {state?.failed && (
        <p
          role="alert"
          data-testid="verify-error"
          className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          {t(`verifyError.${state.reason ?? 'bad_code'}`)}{' '}
          {state.reason !== 'bad_code' && (
            <Link className="underline" href="/login">
              {t('startOver')}
            </Link>
          )}
        </p>
      )}
      <label className="block text-sm">
        <span className="font-medium">{t('code')}</span>
        <input
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          maxLength={64}
          autoFocus
          className="mt-1 w-full rounded border border-slate-300 px-3 py-2 font-mono text-lg tracking-widest"
        />
      </label>
      <button
        disabled={pending}
        className="w-full rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60"
      >
        {t('verify')}
      </button>
    </form>
  );
}
