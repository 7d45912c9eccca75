'use client';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden } from '@/app/components/action-form';
import { changePasswordAction } from './actions';
import { StrengthMeter } from './strength-meter';

export function ChangePasswordForm({ next }: { next: string | null }) {
  const t = useTranslations('password');
  const [value, setValue] = useState('');
  return (
    <ActionForm action={changePasswordAction} submit={t('submit')} testId="change-password">
      {next && <Hidden name="next" value={next} />}
      <Field name="currentPassword" label={t('current')} type="password" autoComplete="current-password" required />
      <Field name="newPassword" label={t('new')}>
        <input
          id="f-newPassword"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
        />
        <StrengthMeter password={value} />
      </Field>
      <Field name="confirmPassword" label={t('confirm')} type="password" autoComplete="new-password" required />
      <p className="text-xs text-slate-500">{t('rules')}</p>
    </ActionForm>
  );
}
