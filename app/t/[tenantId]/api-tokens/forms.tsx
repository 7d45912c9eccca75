'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden } from '@/app/components/action-form';
import { createTokenAction, revokeTokenAction } from './actions';

export function CreateTokenForm({ tenantId }: { tenantId: string }) {
  const t = useTranslations('apiTokens');
  return (
    <ActionForm
      action={createTokenAction}
      submit={t('create')}
      testId="create-token"
      success={(s) => (
        <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
          <div>{t('shownOnce')}</div>
          <code className="mt-1 block break-all" data-testid="api-token">
            {String(s.data?.token)}
          </code>
        </div>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Field name="name" label={t('name')} required />
      <Field name="days" label={t('days')} type="number" defaultValue="90" required />
    </ActionForm>
  );
}

export function RevokeTokenForm({ tenantId, tokenId }: { tenantId: string; tokenId: string }) {
  const t = useTranslations('apiTokens');
  return (
    <ActionForm action={revokeTokenAction} submit={t('revoke')} tone="plain">
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="tokenId" value={tokenId} />
    </ActionForm>
  );
}
