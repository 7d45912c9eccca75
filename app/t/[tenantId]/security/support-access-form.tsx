'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, CheckboxGroup, Field, Hidden, Select } from '@/app/components/action-form';
import { SUPPORT_SCOPES } from '@/db/schema';
import { grantSupportAccessAction, revokeSupportAccessAction } from './actions';

export function GrantSupportForm({
  tenantId,
  staff,
}: {
  tenantId: string;
  staff: { id: string; loginId: string; displayName: string }[];
}) {
  const t = useTranslations('support');
  return (
    <ActionForm
      action={grantSupportAccessAction}
      submit={t('grant')}
      testId="support-grant"
      resetOnSuccess
      success={() => <p className="text-sm text-green-700">{t('granted')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Select
        name="grantee"
        label={t('grantee')}
        options={[
          { value: 'team', label: t('team') },
          ...staff.map((s) => ({ value: s.id, label: `${s.displayName} (${s.loginId})` })),
        ]}
      />
      <CheckboxGroup
        name="scopes"
        legend={t('scopes')}
        options={SUPPORT_SCOPES.map((s) => ({ value: s, label: t(`scope.${s}`) }))}
      />
      <Field name="hours" label={t('hours')} type="number" defaultValue="24" required />
      <Field name="reason" label={t('reason')} required />
    </ActionForm>
  );
}

export function RevokeSupportForm({ tenantId, grantId }: { tenantId: string; grantId: string }) {
  const t = useTranslations('support');
  return (
    <ActionForm action={revokeSupportAccessAction} submit={t('revoke')} tone="danger" className="inline">
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="grantId" value={grantId} />
    </ActionForm>
  );
}
