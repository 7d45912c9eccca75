'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Hidden } from '@/app/components/action-form';
import { acknowledgeAlertAction } from './actions';

export function AcknowledgeAlertForm({ tenantId, alertId }: { tenantId: string; alertId: string }) {
  const t = useTranslations('alerts');
  return (
    <ActionForm action={acknowledgeAlertAction} submit={t('acknowledge')} tone="plain" testId="alert-ack">
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="alertId" value={alertId} />
    </ActionForm>
  );
}
