'use client';
import { useActionState } from 'react';
import { submitKeepingInput } from '@/app/components/action-form';
import { useTranslations } from 'next-intl';
import { loginAction } from './actions';

export function LoginForm({ next }: { next: string | null }) {
  const t = useTranslations('login');
  const [state, action, pending] = useActionState(loginAction, null);
  return (
    <form action={action} onSubmit={submitKeepingInput(action)} className="space-y-4">
      {next && <input type="hidden" name="next" value={next} />}
      {state?.failed && (
        <p
          role="alert"
          data-testid="login-error"
          className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          {t('failed')}
        </p>
      )}
      <label className="block text-sm">
        <span className="font-medium">{t('loginId')}</span>
        <input
          name="loginId"
          autoComplete="username"
          autoFocus
          required
          maxLength={256}
          className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
        />
      </label>
      <label className="block text-sm">
        <span className="font-medium">{t('password')}</span>
        {/* A new field after each failure: the wrong password does not stay in it. */}
        <input
          key={state?.attempt ?? 0}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={4096}
          className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
        />
      </label>
      <button
        disabled={pending}
        className="w-full rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60"
      >
        {t('submit')}
      </button>
    </form>
  );
}
