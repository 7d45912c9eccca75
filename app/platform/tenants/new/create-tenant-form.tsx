'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Field } from '@/app/components/action-form';
import { createTenantAction } from './actions';

export function CreateTenantForm() {
  const t = useTranslations('admin');
  return (
    <ActionForm action={createTenantAction} submit={t('createTenant')} testId="create-tenant">
      <Field name="name" label={t('tenantName')} required />
      <Field name="code" label={t('tenantCode')} required />
      <Field name="contactEmail" label={t('contactEmail')} type="email" />
    </ActionForm>
  );
}
