'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden, Select } from '@/app/components/action-form';
import { ConfirmAction } from '@/app/components/confirm-action';
import { blockAddressAction, liftAddressBlockAction } from './actions';

const DURATIONS = ['1', '24', '168', '720', '2160'] as const;

function DurationSelect() {
  const t = useTranslations('ipBlocks');
  return (
    <Select
      name="hours"
      label={t('hours')}
      defaultValue="24"
      options={DURATIONS.map((h) => ({ value: h, label: t(`duration.${h}`) }))}
    />
  );
}

/** The blocked-addresses form on the allowlist page: address, how long, why. */
export function BlockAddressForm({ tenantId }: { tenantId: string }) {
  const t = useTranslations('ipBlocks');
  const ta = useTranslations('admin');
  return (
    <ActionForm
      action={blockAddressAction}
      submit={t('block')}
      tone="danger"
      resetOnSuccess
      testId="block-address"
      idPrefix="block"
      className="grid gap-3 sm:grid-cols-2"
      success={(s) => (
        <p className="text-sm text-green-700 sm:col-span-2" data-testid="block-added">
          {t('blocked', { cidr: String(s.data?.cidr ?? '') })}
        </p>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <div>
        <Field name="cidr" label={t('cidr')} required autoComplete="off" />
        <p className="mt-0.5 text-xs text-slate-500">{t('cidrHint')}</p>
      </div>
      <DurationSelect />
      <div className="sm:col-span-2">
        <Field name="reason" label={ta('reason')} required autoComplete="off" />
      </div>
    </ActionForm>
  );
}

/** "Block this address" from a pivot on an address in the audit trail. */
export function BlockAddressConfirm({ tenantId, cidr, who }: { tenantId: string; cidr: string; who: string | null }) {
  const t = useTranslations('ipBlocks');
  return (
    <ConfirmAction
      action={blockAddressAction}
      label={t('pivotBlock')}
      title={t('pivotBlockTitle', { cidr })}
      effect={who ? t('pivotEffectTenant', { cidr, company: who }) : t('pivotEffectPlatform', { cidr })}
      testId="pivot-block"
      success={() => (
        <p className="text-sm text-green-700" data-testid="pivot-blocked">
          {t('blocked', { cidr })}
        </p>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="cidr" value={cidr} />
      <DurationSelect />
    </ConfirmAction>
  );
}

export function LiftBlockForm({ tenantId, blockId, cidr }: { tenantId: string; blockId: string; cidr: string }) {
  const t = useTranslations('ipBlocks');
  return (
    <ConfirmAction
      action={liftAddressBlockAction}
      label={t('lift')}
      title={t('liftTitle', { cidr })}
      effect={t('liftEffect', { cidr })}
      tone="plain"
      testId={`lift-${cidr}`}
      success={() => <p className="text-sm text-green-700">{t('lifted')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="blockId" value={blockId} />
    </ConfirmAction>
  );
}
