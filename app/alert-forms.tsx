'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Hidden } from '@/app/components/action-form';
import { ConfirmAction } from '@/app/components/confirm-action';
import { acknowledgeAlertAction, containKnownPasswordAction } from './actions';

export function AcknowledgeAlertForm({ tenantId, alertId }: { tenantId: string; alertId: string }) {
  const t = useTranslations('alerts');
  return (
    <ActionForm action={acknowledgeAlertAction} submit={t('acknowledge')} tone="plain" testId="alert-ack">
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="alertId" value={alertId} />
    </ActionForm>
  );
}

/** For an alert that a password is known to someone else: new password required, sessions ended. */
export function ContainKnownPasswordForm({
  tenantId,
  alertId,
  loginId,
}: {
  tenantId: string;
  alertId: string;
  loginId: string;
}) {
  const t = useTranslations('alerts');
  return (
    <ConfirmAction
      action={containKnownPasswordAction}
      label={t('contain')}
      title={t('containTitle', { loginId })}
      effect={t('containEffect', { loginId })}
      testId="contain-known-password"
      success={(s) => (
        <p className="text-sm text-green-700">
          {t('contained', { loginId, count: Number(s.data?.sessionsEnded ?? 0) })}
        </p>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="alertId" value={alertId} />
    </ConfirmAction>
  );
}
