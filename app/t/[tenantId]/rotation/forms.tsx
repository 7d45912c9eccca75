'use client';
import { useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden } from '@/app/components/action-form';
import { cancelCampaignAction, extendCampaignAction, startCampaignAction } from './actions';

export function StartCampaignForm({
  tenantId,
  tenants,
}: {
  tenantId: string;
  tenants?: { id: string; name: string; code: string }[];
}) {
  const t = useTranslations('rotation');
  return (
    <ActionForm action={startCampaignAction} submit={t('start')} tone="danger" testId="start-campaign">
      <Hidden name="tenantId" value={tenantId} />
      <Field name="reason" label={t('reason')} required />
      <Field name="deadline" label={t('deadline')} type="datetime-local" required />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="revokeSessions" /> {t('revokeSessions')}
      </label>
      {tenants && (
        <Field name="tenantIds" label={t('tenants')}>
          <TenantChooser tenants={tenants} />
        </Field>
      )}
    </ActionForm>
  );
}

/** Multi-select that submits a comma-separated id list; nothing chosen means every tenant. */
function TenantChooser({ tenants }: { tenants: { id: string; name: string; code: string }[] }) {
  const t = useTranslations('rotation');
  return (
    <>
      <select
        id="f-tenantIds"
        multiple
        size={8}
        className="mt-1 w-full rounded border border-slate-300 px-2 py-1"
        onChange={(e) => {
          const hidden = e.currentTarget.form?.elements.namedItem('tenantIds') as HTMLInputElement | null;
          if (hidden) hidden.value = [...e.currentTarget.selectedOptions].map((o) => o.value).join(',');
        }}
      >
        {tenants.map((x) => (
          <option key={x.id} value={x.id}>
            {x.name} ({x.code})
          </option>
        ))}
      </select>
      <input type="hidden" name="tenantIds" defaultValue="" />
      <p className="mt-1 text-xs text-slate-500">{t('allTenantsHint')}</p>
    </>
  );
}

export function ExtendForm({ tenantId, campaignId }: { tenantId: string; campaignId: string }) {
  const t = useTranslations('rotation');
  return (
    <ActionForm
      action={extendCampaignAction}
      submit={t('extend')}
      tone="plain"
      success={() => <p className="text-sm text-green-700">{t('extended')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="campaignId" value={campaignId} />
      <Field name="deadline" label={t('newDeadline')} type="datetime-local" required />
    </ActionForm>
  );
}

export function CancelForm({ tenantId, campaignId }: { tenantId: string; campaignId: string }) {
  const t = useTranslations('rotation');
  return (
    <ActionForm
      action={cancelCampaignAction}
      submit={t('cancel')}
      tone="plain"
      success={(s) => (
        <p className="text-sm text-green-700">{t('cancelled', { count: Number(s.data?.released ?? 0) })}</p>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="campaignId" value={campaignId} />
    </ActionForm>
  );
}

/** Live progress: re-renders the server page every few seconds while the campaign runs. */
export function AutoRefresh({ seconds }: { seconds: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), seconds * 1000);
    return () => clearInterval(timer);
  }, [router, seconds]);
  return null;
}
