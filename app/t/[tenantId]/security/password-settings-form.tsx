'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden } from '@/app/components/action-form';
import { updatePasswordSettingsAction } from './actions';

export function PasswordSettingsForm({ tenantId, minLength, maxAgeDays }: { tenantId: string; minLength: number; maxAgeDays: number | null }) {
  const t = useTranslations('security');
  return (
    <ActionForm action={updatePasswordSettingsAction} submit={t('save')} success={() => <p className="text-sm text-green-700">{t('saved')}</p>}>
      <Hidden name="tenantId" value={tenantId} />
      <Field name="minLength" label={t('minLength')} type="number" defaultValue={String(minLength)} required />
      <Field name="maxAgeDays" label={t('maxAge')} type="number" defaultValue={maxAgeDays === null ? '' : String(maxAgeDays)} />
      <p className="text-xs text-amber-800">{t('maxAgeWarning')}</p>
    </ActionForm>
  );
}
