'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Field } from '@/app/components/action-form';
import { changePasswordAction } from './actions';

export function ChangePasswordForm() {
  const t = useTranslations('password');
  return (
    <ActionForm action={changePasswordAction} submit={t('submit')} testId="change-password">
      <Field name="currentPassword" label={t('current')} type="password" autoComplete="current-password" required />
      <Field name="newPassword" label={t('new')} type="password" autoComplete="new-password" required />
      <Field name="confirmPassword" label={t('confirm')} type="password" autoComplete="new-password" required />
      <p className="text-xs text-slate-500">{t('rules')}</p>
    </ActionForm>
  );
}
