'use client';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden, useFieldErrors } from '@/app/components/action-form';
import { checkIpAction, grantBreakGlassAction, saveIpAllowlistAction, setIpAllowlistModeAction } from './actions';

type Decision = { allowed: boolean; deniedBy?: string; monitoredDenials: string[]; breakGlass?: boolean };

function Verdict({ label, d }: { label: string; d: Decision | null }) {
  const t = useTranslations('ipAllowlist');
  if (!d) return null;
  return (
    <p className={`text-sm ${d.allowed ? 'text-green-700' : 'text-red-700'}`} data-testid={`verdict-${label}`}>
      {t(`under.${label}`)}: {d.allowed ? t('allowed') : t('refusedBy', { layer: t(`layer.${d.deniedBy}`) })}
      {d.monitoredDenials.length > 0 &&
        ` (${t('monitorWould', { layers: d.monitoredDenials.map((l) => t(`layer.${l}`)).join(', ') })})`}
    </p>
  );
}

/** The list's text box, tied to its error message (a line that does not parse, a lockout). */
function EntriesBox({
  value,
  onChange,
  placeholder,
}: {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
}) {
  const errors = useFieldErrors('entries');
  return (
    <textarea
      id="f-entries"
      name="entries"
      rows={12}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      spellCheck={false}
      aria-invalid={errors ? true : undefined}
      aria-describedby={errors ? 'f-entries-error' : undefined}
      className="mt-1 w-full rounded border border-slate-300 px-3 py-2 font-mono text-sm aria-invalid:border-red-500"
      placeholder={placeholder}
    />
  );
}

/** The editor and the "check an IP" tool share the draft text, so a draft can be tried before saving. */
export function AllowlistEditor({
  tenantId,
  operatorId,
  initial,
  etag,
  currentIp,
}: {
  tenantId: string;
  operatorId: string | null;
  initial: string;
  /** The list as this page read it: a save after someone else's is refused, not applied over it. */
  etag: string;
  currentIp: string;
}) {
  const t = useTranslations('ipAllowlist');
  const [draft, setDraft] = useState(initial);
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <ActionForm
        action={saveIpAllowlistAction}
        submit={t('save')}
        testId="allowlist-editor"
        success={(s) => <p className="text-sm text-green-700">{t('saved', { count: Number(s.data?.count ?? 0) })}</p>}
      >
        <Hidden name="tenantId" value={tenantId} />
        <Hidden name="operatorId" value={operatorId ?? ''} />
        <Hidden name="ifMatch" value={etag} />
        <Field name="entries" label={t('entries')}>
          <EntriesBox
            value={draft}
            onChange={setDraft}
            placeholder={'203.0.113.0/24 Tokyo office\n2001:db8:10::/48 Osaka VPN'}
          />
        </Field>
        <p className="text-xs text-slate-500">{t('entriesHelp', { ip: currentIp })}</p>
        <Field name="confirmHostBits" label="">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="confirmHostBits" /> {t('confirmHostBits')}
          </label>
        </Field>
        <Field name="confirmAnyAddress" label="">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="confirmAnyAddress" /> {t('confirmAnyAddress')}
          </label>
        </Field>
      </ActionForm>
      <ActionForm
        action={checkIpAction}
        submit={t('check')}
        tone="plain"
        testId="check-ip"
        success={(s) => {
          const d = s.data as unknown as { saved: Decision; draft: Decision | null };
          return (
            <div>
              <Verdict label="saved" d={d.saved} />
              <Verdict label="draft" d={d.draft} />
            </div>
          );
        }}
      >
        <h2 className="font-medium">{t('checkTitle')}</h2>
        <Hidden name="tenantId" value={tenantId} />
        <Hidden name="operatorId" value={operatorId ?? ''} />
        <Hidden name="entries" value={draft} />
        <Field name="ip" label={t('address')} defaultValue={currentIp} required />
        {!operatorId && <Field name="loginId" label={t('asOperator')} />}
      </ActionForm>
    </div>
  );
}

export function ModeForm({
  tenantId,
  operatorId,
  mode,
}: {
  tenantId: string;
  operatorId: string | null;
  mode: 'enforce' | 'monitor';
}) {
  const t = useTranslations('ipAllowlist');
  const next = mode === 'enforce' ? 'monitor' : 'enforce';
  return (
    <ActionForm
      action={setIpAllowlistModeAction}
      submit={next === 'monitor' ? t('toMonitor') : t('toEnforce')}
      tone="plain"
      testId="mode-form"
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="operatorId" value={operatorId ?? ''} />
      <Hidden name="mode" value={next} />
      <Field name="mode" label="">
        <></>
      </Field>
    </ActionForm>
  );
}

export function BreakGlassForm({ tenantId, operatorId }: { tenantId: string; operatorId: string }) {
  const t = useTranslations('ipAllowlist');
  return (
    <ActionForm
      action={grantBreakGlassAction}
      submit={t('grant')}
      tone="danger"
      testId="break-glass"
      success={() => <p className="text-sm text-green-700">{t('granted')}</p>}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="operatorId" value={operatorId} />
      <Field name="cidr" label={t('address')} required />
      <Field name="hours" label={t('hours')} type="number" defaultValue="4" required />
      <Field name="reason" label={t('reason')} required />
    </ActionForm>
  );
}
