'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Field } from '@/app/components/action-form';
import { endAllSessionsAction } from './actions';

export function EndAllSessionsForm() {
  const t = useTranslations('admin');
  return (
    <ActionForm
      action={endAllSessionsAction}
      submit={t('endAllSubmit')}
      tone="danger"
      resetOnSuccess
      success={(s) => (
        <p className="text-sm text-green-700" data-testid="sessions-ended">
          {t('sessionsEndedAcross', { count: Number(s.data?.count ?? 0), tenants: Number(s.data?.tenants ?? 0) })}
        </p>
      )}
    >
      <Field name="reason" label={t('reason')} required />
    </ActionForm>
  );
}
