'use client';
import { useTranslations } from 'next-intl';
import { DateTimeField, Hidden } from '@/app/components/action-form';
import { ConfirmAction } from '@/app/components/confirm-action';
import { TenantScope } from '@/app/components/tenant-scope';
import { declareCompromiseAction, endCompromiseAction } from './actions';

/**
 * Declaring compromise mode: the moment before which credentials are void (empty: now), whether
 * TOTP seeds may have leaked too, and for the platform which tenants; confirmed in a dialog that
 * names every effect, with the reason and a fresh second factor.
 */
export function DeclareCompromiseForm({
  tenantId,
  company,
  tenants,
}: {
  tenantId: string;
  /** The company's name, or null for the platform. */
  company: string | null;
  tenants?: { id: string; name: string; code: string }[];
}) {
  const t = useTranslations('compromise');
  return (
    <ConfirmAction
      action={declareCompromiseAction}
      label={t('declare')}
      title={t('declareTitle')}
      confirm={t('declareConfirm')}
      effect={
        <div className="space-y-2">
          <p>{company ? t('effectTenant', { company }) : t('effectPlatform')}</p>
          <ul className="list-disc space-y-1 pl-5">
            {(['sessions', 'tokens', 'passwords', 'codes', 'webhooks'] as const).map((k) => (
              <li key={k}>{t(`effects.${k}`)}</li>
            ))}
          </ul>
        </div>
      }
      testId="declare-compromise"
      success={(s) => (
        <p className="text-sm text-green-700" data-testid="compromise-declared">
          {t('declared', { operators: Number(s.data?.operators ?? 0), sessions: Number(s.data?.sessionsEnded ?? 0) })}
        </p>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <DateTimeField name="voidBefore" label={t('voidBefore')} hint={t('voidBeforeHint')} />
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="reenrollTotp" className="mt-1 size-4" />
        <span>
          <span className="font-medium">{t('reenrollTotp')}</span>
          <span className="block text-xs text-slate-600">{t('reenrollTotpHint')}</span>
        </span>
      </label>
      {tenants && <TenantScope tenants={tenants} />}
    </ConfirmAction>
  );
}

export function EndCompromiseForm({ tenantId }: { tenantId: string }) {
  const t = useTranslations('compromise');
  return (
    <ConfirmAction
      action={endCompromiseAction}
      label={t('end')}
      title={t('endTitle')}
      confirm={t('endConfirm')}
      effect={t('endEffect')}
      tone="plain"
      testId="end-compromise"
      success={() => <p className="text-sm text-green-700">{t('ended')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
    </ConfirmAction>
  );
}
