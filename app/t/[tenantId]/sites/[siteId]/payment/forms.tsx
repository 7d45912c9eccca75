'use client';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden } from '@/app/components/action-form';
import { useCountdown } from '@/app/components/use-countdown';
import type { ActionState } from '@/lib/auth/with-action';
import { revealSecretAction, updatePaymentSettingsAction } from './actions';

type SecretField = 'api_key' | 'secret';
const SECRET_FIELDS: SecretField[] = ['api_key', 'secret'];

/**
 * The masked API key and secret with a Reveal button each; one reveal form is open at a time, so
 * the page has a single reason field. A revealed value lives only in this form's state: when its
 * time is up the form unmounts and the value is gone (never in the URL or browser storage).
 */
export function SecretRows({
  tenantId,
  siteId,
  masked,
  canReveal,
}: {
  tenantId: string;
  siteId: string;
  masked: Record<SecretField, string>;
  canReveal: boolean;
}) {
  const t = useTranslations('payment');
  const [open, setOpen] = useState<SecretField | null>(null);
  const [hiddenAgain, setHiddenAgain] = useState(false);
  return (
    <div className="mt-2 border-t border-slate-100 pt-2">
      <dl>
        {SECRET_FIELDS.map((field) => (
          <div key={field} className="flex flex-wrap items-center gap-3 py-2 text-sm">
            <dt className="w-48 font-medium">{t(`label.${field}`)}</dt>
            <dd className="font-mono" data-testid={`masked-${field}`}>
              {masked[field]}
            </dd>
            {canReveal && (
              <dd>
                <button
                  type="button"
                  className="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-100"
                  data-testid={`reveal-${field}`}
                  onClick={() => {
                    setOpen(field);
                    setHiddenAgain(false);
                  }}
                >
                  {t('reveal')}
                </button>
              </dd>
            )}
          </div>
        ))}
      </dl>
      {open && (
        <div className="mt-2 max-w-xl rounded border border-amber-300 bg-amber-50 p-3">
          <h3 className="mb-1 text-sm font-medium">{t('revealTitle', { field: t(`fields.${open}`) })}</h3>
          <p className="mb-2 text-xs text-amber-900">{t('revealHelp')}</p>
          <ActionForm
            key={open}
            action={revealSecretAction}
            submit={t('revealSubmit')}
            testId="reveal-form"
            success={(s) => (
              <RevealedValue
                result={s}
                onExpired={() => {
                  setOpen(null);
                  setHiddenAgain(true);
                }}
              />
            )}
          >
            <Hidden name="tenantId" value={tenantId} />
            <Hidden name="siteId" value={siteId} />
            <Hidden name="field" value={open} />
            <Field name="reason" label={t('reason')} required autoComplete="off" />
          </ActionForm>
        </div>
      )}
      {hiddenAgain && (
        <p className="mt-2 text-sm text-slate-600" data-testid="reveal-hidden">
          {t('hiddenAgain')}
        </p>
      )}
    </div>
  );
}

/** The value in a monospace box with a visible countdown; each new reveal restarts it. */
function RevealedValue({ result, onExpired }: { result: NonNullable<ActionState>; onExpired: () => void }) {
  const t = useTranslations('payment');
  const left = useCountdown(Number(result.data?.expiresInSeconds), onExpired, result);
  return (
    <div className="space-y-1">
      <code
        className="block rounded bg-slate-900 px-3 py-2 font-mono text-sm break-all text-white"
        data-testid="revealed-value"
      >
        {String(result.data?.value)}
      </code>
      <p className="text-xs text-amber-900" data-testid="reveal-countdown" aria-live="polite">
        {t('hidesIn', { seconds: left })}
      </p>
    </div>
  );
}

export function EditPaymentSettingsForm({
  tenantId,
  siteId,
  current,
}: {
  tenantId: string;
  siteId: string;
  current: { provider: string; merchantId: string; endpoint: string } | null;
}) {
  const t = useTranslations('payment');
  return (
    <ActionForm
      action={updatePaymentSettingsAction}
      submit={t('save')}
      testId="payment-settings-form"
      resetOnSuccess
      success={(s) => {
        const fields = (s.data?.fields ?? []) as string[];
        return (
          <p className="text-sm text-green-700" data-testid="payment-saved">
            {fields.length
              ? t('saved', { fields: fields.map((f) => t(`fields.${f}`)).join(t('separator')) })
              : t('noChanges')}
          </p>
        );
      }}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="siteId" value={siteId} />
      <Field name="provider" label={t('label.provider')} defaultValue={current?.provider} required />
      <Field
        name="merchantId"
        label={t('label.merchant_id')}
        defaultValue={current?.merchantId}
        required
        autoComplete="off"
      />
      <Field name="endpoint" label={t('label.endpoint')} type="url" defaultValue={current?.endpoint} required />
      <Field name="apiKey" label={t('newApiKey')} type="password" required={!current} autoComplete="off" />
      <Field name="secret" label={t('newSecret')} type="password" required={!current} autoComplete="off" />
      <p className="text-xs text-slate-500">{current ? t('keepHint') : t('bothRequired')}</p>
    </ActionForm>
  );
}
