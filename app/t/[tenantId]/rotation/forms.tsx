'use client';
import { TenantScope } from '@/app/components/tenant-scope';
import { useCallback, useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { ActionForm, DateTimeField, Field, Hidden } from '@/app/components/action-form';
import { ConfirmAction } from '@/app/components/confirm-action';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import type { ActionState } from '@/lib/auth/with-action';
import { cancelCampaignAction, extendCampaignAction, previewCampaignAction, startCampaignAction } from './actions';

interface Preview {
  operators: number;
  tenants: number;
  includesSelf: boolean;
  liveSessions: number;
  form: {
    reason: string;
    deadline: string;
    revokeSessions: boolean;
    scope?: 'all' | 'chosen';
    allTenants?: number;
    tenantIds?: string[];
  };
}

/**
 * Two steps: the form is checked and counted on the server (nothing starts), then a dialog shows
 * what will happen, says when the starter's own password is included, and starts on confirmation
 * (with the step-up code asked inside it).
 */
export function StartCampaignForm({
  tenantId,
  tenants,
}: {
  tenantId: string;
  tenants?: { id: string; name: string; code: string }[];
}) {
  const t = useTranslations('rotation');
  const [preview, setPreview] = useState<Preview | null>(null);
  const review = useCallback((s: NonNullable<ActionState>) => setPreview(s.data as unknown as Preview), []);
  return (
    <>
      <ActionForm action={previewCampaignAction} submit={t('review')} testId="start-campaign" onSuccess={review}>
        <Hidden name="tenantId" value={tenantId} />
        <Field name="reason" label={t('reason')} required />
        <DateTimeField name="deadline" label={t('deadline')} required />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="revokeSessions" /> {t('revokeSessions')}
        </label>
        {tenants && <TenantScope tenants={tenants} />}
      </ActionForm>
      <ModalOverlay
        isOpen={preview !== null}
        onOpenChange={(open) => !open && setPreview(null)}
        isDismissable
        className="fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-slate-900/40 p-4 sm:items-center"
      >
        <Modal className="w-full max-w-lg rounded-lg bg-white p-5 shadow-xl">
          <Dialog role="alertdialog" className="outline-none" data-testid="confirm-campaign">
            {preview && <ConfirmCampaign tenantId={tenantId} preview={preview} platform={tenants !== undefined} />}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </>
  );
}

function ConfirmCampaign({ tenantId, preview, platform }: { tenantId: string; preview: Preview; platform: boolean }) {
  const t = useTranslations('rotation');
  const tc = useTranslations('confirm');
  const ts = useTranslations('tenantScope');
  const locale = useLocale() as Locale;
  const { form } = preview;
  const deadline = formatJst(new Date(form.deadline), locale);
  return (
    <>
      <Heading slot="title" className="text-lg font-semibold">
        {t('confirmTitle')}
      </Heading>
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="campaign-summary">
        <dt className="text-slate-600">{t('reason')}</dt>
        <dd>{form.reason}</dd>
        {platform && (
          <>
            <dt className="text-slate-600">{t('tenants')}</dt>
            <dd>
              {form.scope === 'all'
                ? ts('allTenants', { count: form.allTenants ?? 0 })
                : ts('chosenCount', { count: form.tenantIds?.length ?? 0 })}
            </dd>
          </>
        )}
        <dt className="text-slate-600">{t('operators')}</dt>
        <dd data-testid="summary-operators">
          {platform
            ? t('summaryOperatorsAcross', { count: preview.operators, tenants: preview.tenants })
            : t('summaryOperators', { count: preview.operators })}
        </dd>
        <dt className="text-slate-600">{t('deadline')}</dt>
        <dd>{deadline}</dd>
        <dt className="text-slate-600">{t('sessions')}</dt>
        <dd>
          {form.revokeSessions ? t('summaryEndSessions', { count: preview.liveSessions }) : t('summaryKeepSessions')}
        </dd>
      </dl>
      {preview.includesSelf && (
        <p
          className="mt-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900"
          data-testid="includes-self"
        >
          {t('includesSelf')}
        </p>
      )}
      <ActionForm
        action={startCampaignAction}
        submit={t('start')}
        tone="danger"
        className="mt-4 space-y-3"
        testId="confirm-start"
        fieldErrorsHere
        secondary={
          <Button
            slot="close"
            className="rounded border border-slate-300 bg-white px-4 py-2 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600"
          >
            {tc('cancel')}
          </Button>
        }
      >
        <Hidden name="tenantId" value={tenantId} />
        <Hidden name="reason" value={form.reason} />
        <Hidden name="deadline" value={form.deadline} />
        {form.revokeSessions && <Hidden name="revokeSessions" value="on" />}
        {form.scope && <Hidden name="scope" value={form.scope} />}
        {form.allTenants !== undefined && <Hidden name="allTenants" value={String(form.allTenants)} />}
        {form.tenantIds?.map((id) => (
          <Hidden key={id} name="tenantIds" value={id} />
        ))}
      </ActionForm>
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
      <DateTimeField name="deadline" label={t('newDeadline')} required />
    </ActionForm>
  );
}

export function CancelForm({
  tenantId,
  campaignId,
  pending,
}: {
  tenantId: string;
  campaignId: string;
  /** Operators who have not changed their password yet: the ones the cancellation releases. */
  pending: number;
}) {
  const t = useTranslations('rotation');
  return (
    <ConfirmAction
      action={cancelCampaignAction}
      label={t('cancel')}
      title={t('confirmCancel.title')}
      effect={t('confirmCancel.effect', { count: pending })}
      reason={false}
      testId="cancel-campaign"
      success={(s) => (
        <p className="text-sm text-green-700">{t('cancelled', { count: Number(s.data?.released ?? 0) })}</p>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="campaignId" value={campaignId} />
    </ConfirmAction>
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
