'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, CheckboxGroup, Field, Hidden, useFieldErrors } from '@/app/components/action-form';
import { createTokenAction, revokeTokenAction } from './actions';

/** The token's own networks, tied to its error message (a line that does not parse). */
function NetworksBox({ placeholder, describedBy }: { placeholder: string; describedBy: string }) {
  const errors = useFieldErrors('networks');
  return (
    <textarea
      id="f-networks"
      name="networks"
      rows={3}
      spellCheck={false}
      aria-invalid={errors ? true : undefined}
      aria-describedby={errors ? `f-networks-error ${describedBy}` : describedBy}
      className="mt-1 w-full rounded border border-slate-300 px-3 py-2 font-mono text-sm aria-invalid:border-red-500"
      placeholder={placeholder}
    />
  );
}

export function CreateTokenForm({ tenantId, scopes }: { tenantId: string; scopes: string[] }) {
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
      <CheckboxGroup
        name="scopes"
        legend={t('scopesLegend')}
        options={scopes.map((s) => ({ value: s, label: `${s} — ${t(`scopeLabels.${s.replace(':', '_')}`)}` }))}
        defaultValues={scopes.includes('audit:read') ? ['audit:read'] : []}
      />
      <Field name="days" label={t('days')} type="number" defaultValue="90" required />
      <Field name="networks" label={t('networks')}>
        <NetworksBox placeholder={'203.0.113.0/24 Tokyo office'} describedBy="networks-help" />
      </Field>
      <p id="networks-help" className="text-xs text-slate-500">
        {t('networksHelp')}
      </p>
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
