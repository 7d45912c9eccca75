'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden } from '@/app/components/action-form';
import { setDormancyPeriodAction } from './actions';

/** The days without a sign-in after which operators (for the platform: its staff) are disabled. */
export function DormancyForm({ tenantId, days }: { tenantId: string; days: number }) {
  const t = useTranslations('security');
  return (
    <ActionForm
      action={setDormancyPeriodAction}
      submit={t('save')}
      testId="dormancy"
      idPrefix="dormancy"
      success={() => <p className="text-sm text-green-700">{t('saved')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Field name="dormantAfterDays" label={t('dormantAfterDays')} type="number" defaultValue={String(days)} required />
      <p className="text-xs text-slate-600">{t('dormancyHint')}</p>
    </ActionForm>
  );
}
