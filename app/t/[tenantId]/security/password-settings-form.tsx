'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden } from '@/app/components/action-form';
import { setTotpPolicyAction, updatePasswordSettingsAction } from './actions';

export function PasswordSettingsForm({
  tenantId,
  minLength,
  maxAgeDays,
  etag,
}: {
  tenantId: string;
  minLength: number;
  maxAgeDays: number | null;
  /** The policy as this page read it: a save after someone else's is refused, not applied over it. */
  etag: string;
}) {
  const t = useTranslations('security');
  return (
    <ActionForm
      action={updatePasswordSettingsAction}
      submit={t('save')}
      success={() => <p className="text-sm text-green-700">{t('saved')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="ifMatch" value={etag} />
      <Field name="minLength" label={t('minLength')} type="number" defaultValue={String(minLength)} required />
      <Field
        name="maxAgeDays"
        label={t('maxAge')}
        type="number"
        defaultValue={maxAgeDays === null ? '' : String(maxAgeDays)}
      />
      <p className="text-xs text-amber-800">{t('maxAgeWarning')}</p>
    </ActionForm>
  );
}

export function TotpPolicyForm({
  tenantId,
  etag,
  required,
  graceUntil,
  graceDaysLeft,
}: {
  tenantId: string;
  etag: string;
  required: boolean;
  graceUntil: string | null;
  graceDaysLeft: number;
}) {
  const t = useTranslations('security');
  return (
    <ActionForm
      action={setTotpPolicyAction}
      submit={t('save')}
      testId="totp-policy"
      success={() => <p className="text-sm text-green-700">{t('saved')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="ifMatch" value={etag} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="required" defaultChecked={required} /> {t('totpRequired')}
      </label>
      <Field name="graceDays" label={t('graceDays')} type="number" defaultValue={String(graceDaysLeft)} required />
      {graceUntil && <p className="text-xs text-slate-600">{t('graceUntil', { date: graceUntil })}</p>}
    </ActionForm>
  );
}
