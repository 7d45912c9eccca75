import { getLocale, getTranslations } from 'next-intl/server';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import Link from 'next/link';
import { ForIncident } from '@/app/components/action-form';
import { alsoOn, onPlatform, requireAccess } from '@/lib/auth/guard';
import { listIncidents } from '@/lib/incidents/list-incidents';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { getCompromise } from '@/lib/incidents/get-compromise';
import { listTenants } from '@/lib/tenancy/list-tenants';
import { DeclareCompromiseForm, EndCompromiseForm } from './forms';

export default async function CompromisePage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { tenantId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/compromise/page.tsx', { tenantId });
  // Opened from an incident: the declaration is made for it (and shows on its timeline).
  const wanted = (await searchParams).incident;
  const reader = typeof wanted === 'string' ? alsoOn(ctx, 'audit.read') : null;
  const incident = reader ? (await listIncidents(reader)).find((i) => i.id === wanted && !i.closedAt) : undefined;
  const platform = tenantId === PLATFORM_TENANT_ID;
  const [t, ti, locale, state] = await Promise.all([
    getTranslations('compromise'),
    getTranslations('incidents'),
    getLocale() as Promise<Locale>,
    getCompromise(ctx),
  ]);
  const active = state && !state.declaration.endedAt ? state : null;
  const lister = platform && !active ? onPlatform(ctx, 'tenants.list') : null;
  const tenants = lister ? (await listTenants(lister, { sort: 'name', dir: 'asc' }, 10_000)).rows : undefined;
  const pct = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.floor((part / whole) * 100)}%`);
  const d = state?.declaration;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">{t('intro')}</p>
      </div>
      {d && (
        <section
          aria-labelledby="declaration-title"
          className={`space-y-3 rounded-lg border p-4 text-sm ${active ? 'border-red-300 bg-red-50' : 'border-slate-200 bg-white'}`}
          data-testid="compromise-state"
        >
          <h2 id="declaration-title" className="text-lg font-semibold">
            {active
              ? t('activeTitle')
              : t('endedTitle', { at: formatJst(d.endedAt, locale), by: d.endedByLoginId ?? '' })}
          </h2>
          <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[auto_1fr]">
            <dt className="text-slate-600">{t('voidBefore')}</dt>
            <dd>{formatJst(d.voidBefore, locale, { seconds: true })}</dd>
            <dt className="text-slate-600">{t('declaredBy')}</dt>
            <dd>
              {d.declaredByLoginId}, {formatJst(d.declaredAt, locale)}
            </dd>
            <dt className="text-slate-600">{t('reason')}</dt>
            <dd>{d.reason}</dd>
            <dt className="text-slate-600">{t('voided')}</dt>
            <dd data-testid="compromise-voided">
              {t('voidedCounts', {
                sessions: d.sessionsEnded,
                tokens: d.tokensRevoked,
                operators: d.operators,
                codes: d.recoveryCodesVoided,
                totp: d.totpVoided,
                webhooks: d.webhooksRotated,
              })}
            </dd>
          </dl>
          {d.pending > 0 && (
            <p role="status" className="font-medium text-amber-800" data-testid="compromise-pending">
              {t('pending', { count: d.pending })}
            </p>
          )}
          {active && <EndCompromiseForm tenantId={tenantId} />}
        </section>
      )}
      {state && (
        <section aria-labelledby="progress-title" className="space-y-2">
          <h2 id="progress-title" className="text-lg font-semibold">
            {t('progressTitle')}
          </h2>
          <p className="text-sm text-slate-600">{d!.reenrollTotp ? t('progressIntroReenroll') : t('progressIntro')}</p>
          <div className="overflow-x-auto">
            <table
              className="w-full rounded-lg border border-slate-200 bg-white text-sm"
              data-testid="compromise-progress"
            >
              <thead className="bg-slate-100 text-left">
                <tr>
                  <th className="px-3 py-2">{t('columns.company')}</th>
                  <th className="px-3 py-2 text-right">{t('columns.passwords')}</th>
                  <th className="px-3 py-2 text-right">{t('columns.factor')}</th>
                  <th className="px-3 py-2 text-right">{t('columns.oldCredentials')}</th>
                  <th className="px-3 py-2">{t('columns.gateway')}</th>
                </tr>
              </thead>
              <tbody>
                {state.tenants.map((r) => (
                  <tr key={r.tenantId} className="border-t border-slate-100" data-testid="compromise-tenant">
                    <td className="px-3 py-2">{r.name}</td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {r.passwordsChanged} / {r.operators}{' '}
                      <span className="text-slate-500">({pct(r.passwordsChanged, r.operators)})</span>
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {r.factorEstablished} / {r.operators}{' '}
                      <span className="text-slate-500">({pct(r.factorEstablished, r.operators)})</span>
                    </td>
                    <td
                      className={`px-3 py-2 text-right tabular-nums ${r.oldSessionsLive + r.oldTokensLive > 0 ? 'font-semibold text-red-700' : ''}`}
                    >
                      {r.oldSessionsLive + r.oldTokensLive}
                    </td>
                    <td className="px-3 py-2">
                      {r.paymentSites > 0 ? t('gatewayReminder', { count: r.paymentSites }) : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {!active && (
        <section
          aria-labelledby="declare-title"
          className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm"
        >
          <h2 id="declare-title" className="text-lg font-semibold">
            {t('declareTitle')}
          </h2>
          <p className="text-slate-600">{t('declareIntro')}</p>
          {incident && (
            <p className="font-medium" data-testid="for-incident">
              {ti.rich('forIncident', {
                title: incident.title,
                link: (chunks) => (
                  <Link className="text-brand-600 underline" href={`/t/${tenantId}/incidents/${incident.id}`}>
                    {chunks}
                  </Link>
                ),
              })}
            </p>
          )}
          <ForIncident id={incident?.id ?? null}>
            <DeclareCompromiseForm tenantId={tenantId} company={platform ? null : ctx.tenant.name} tenants={tenants} />
          </ForIncident>
        </section>
      )}
    </div>
  );
}
