import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDormancyPeriod } from '@/lib/tenancy/set-dormancy-period';
import { DormancyForm } from './security/dormancy-form';
import { getLocale, getTranslations } from 'next-intl/server';
import { alsoOn, linksOn, requireAccess } from '@/lib/auth/guard';
import { getRecentPaymentSettingChanges } from '@/lib/ec/payment-settings';
import { now } from '@/lib/clock';
import { getMfaEnrollment } from '@/lib/mfa/get-mfa-enrollment';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { getTenantOverview } from '@/lib/tenancy/get-tenant-overview';
import { listOperators, listOperatorsQuery } from '@/lib/tenancy/list-operators';
import { AddSiteForm, EditTenantForm, EndSessionsForm, SiteActions, TenantStatusForm } from './forms';

export default async function TenantPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { tenantId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/page.tsx', { tenantId });
  const overview = await getTenantOverview(ctx);
  if (!overview) notFound();
  const query = listOperatorsQuery.parse(await searchParams);
  const operatorReader = alsoOn(ctx, 'operators.read');
  const [operators, mfa] = operatorReader
    ? await Promise.all([listOperators(operatorReader, query), getMfaEnrollment(operatorReader)])
    : [null, null];
  const [t, locale] = await Promise.all([getTranslations(), getLocale() as Promise<Locale>]);
  const { tenant } = overview;
  const isPlatform = tenant.kind === 'platform';
  // Platform support also sees the links its tenant's active grants open (each use is recorded by the guard).
  const links = await linksOn(ctx, [
    'tenants.write',
    'orders.read',
    'members.read',
    'orders.export',
    'payment_settings.read',
    'operators.write',
    'security.write',
    'sessions.manage',
  ]);
  const can = (p: Parameters<typeof links.has>[0]) => links.has(p);
  // The platform's own staff: its inactivity period is set here (a company's on its security page).
  const dormancyWriter = isPlatform ? alsoOn(ctx, 'security.write') : null;
  const paymentReader = isPlatform ? null : alsoOn(ctx, 'payment_settings.read');
  const paymentChanges = paymentReader ? await getRecentPaymentSettingChanges(paymentReader, 10) : null;
  // Platform staff always need TOTP; a company's operators as its policy says.
  const mfaRequired = isPlatform || Boolean(mfa?.required);
  const graceRunning =
    !isPlatform && mfa?.required && mfa.graceUntil !== null && mfa.graceUntil.getTime() > now().getTime();
  const enrolledShare = mfa && mfa.active > 0 ? Math.round((mfa.enrolled / mfa.active) * 100) : 0;
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-2xl font-semibold" data-testid="tenant-title">
          {tenant.name}
        </h1>
        <span className="font-mono text-sm text-slate-500">{tenant.code}</span>
        {tenant.status === 'suspended' && (
          <span className="rounded bg-red-100 px-2 py-0.5 text-sm text-red-800" data-testid="tenant-suspended">
            {t('status.suspended')}: {tenant.suspendedReason}
          </span>
        )}
      </div>

      {!isPlatform && can('tenants.write') && (
        <section className="grid gap-6 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-2">
          <div>
            <h2 className="mb-2 font-medium">{t('admin.tenantSettings')}</h2>
            <EditTenantForm tenantId={tenant.id} name={tenant.name} contactEmail={tenant.contactEmail} />
          </div>
          <div>
            <h2 className="mb-2 font-medium">
              {tenant.status === 'active' ? t('admin.suspendTitle') : t('admin.reactivateTitle')}
            </h2>
            <p className="mb-2 text-sm text-slate-600">
              {tenant.status === 'active' ? t('admin.suspendHelp') : t('admin.reactivateHelp')}
            </p>
            <TenantStatusForm
              tenantId={tenant.id}
              name={tenant.name}
              status={tenant.status}
              liveSessions={tenant.liveSessions}
            />
          </div>
        </section>
      )}

      {!isPlatform && (
        <section>
          <h2 className="mb-2 text-lg font-medium">{t('tenant.sites')}</h2>
          <ul className="grid gap-2 sm:grid-cols-2">
            {overview.sites.map((s) => (
              <li key={s.id} className="rounded border border-slate-200 bg-white p-3 text-sm" data-testid="site">
                <div className="font-medium">{s.name}</div>
                <div className="text-slate-500">
                  {s.domain ?? '—'} · {t(`status.${s.status}`)}
                </div>
                <nav className="mt-1 flex flex-wrap gap-3" aria-label={s.name}>
                  {can('orders.read') && (
                    <Link
                      className="text-brand-600 hover:underline"
                      href={`/t/${tenant.id}/sites/${s.id}/orders`}
                      prefetch={false}
                      data-testid="site-orders"
                    >
                      {t('site.orders')}
                    </Link>
                  )}
                  {can('members.read') && (
                    <Link
                      className="text-brand-600 hover:underline"
                      href={`/t/${tenant.id}/sites/${s.id}/members`}
                      prefetch={false}
                      data-testid="site-members"
                    >
                      {t('site.members')}
                    </Link>
                  )}
                  {can('orders.export') && (
                    <Link
                      className="text-brand-600 hover:underline"
                      href={`/t/${tenant.id}/sites/${s.id}/export`}
                      data-testid="site-export"
                    >
                      {t('site.export')}
                    </Link>
                  )}
                  {can('payment_settings.read') && (
                    <Link
                      className="text-brand-600 hover:underline"
                      href={`/t/${tenant.id}/sites/${s.id}/payment`}
                      data-testid="site-payment"
                    >
                      {t('site.payment')}
                    </Link>
                  )}
                </nav>
                {can('tenants.write') && s.status === 'open' && (
                  <SiteActions tenantId={tenant.id} siteId={s.id} name={s.name} />
                )}
              </li>
            ))}
          </ul>
          {can('tenants.write') && (
            <div className="mt-3">
              <AddSiteForm tenantId={tenant.id} />
            </div>
          )}
        </section>
      )}

      {mfa && (
        <section
          className="rounded-lg border border-slate-200 bg-white p-4"
          data-testid="mfa-enrollment"
          aria-labelledby="mfa-enrollment-title"
        >
          <h2 id="mfa-enrollment-title" className="font-medium">
            {t('mfaEnrollment.title')}
          </h2>
          <p className="mt-1 text-sm text-slate-700">
            {t('mfaEnrollment.progress', { enrolled: mfa.enrolled, active: mfa.active, percent: enrolledShare })}{' '}
            <span className="text-slate-500">{t('mfaEnrollment.codes', { count: mfa.withRecoveryCodes })}</span>
          </p>
          <progress
            className="mt-2 h-2 w-full max-w-md accent-brand-600"
            value={mfa.enrolled}
            max={Math.max(mfa.active, 1)}
            aria-label={t('mfaEnrollment.title')}
            aria-valuetext={t('mfaEnrollment.progress', {
              enrolled: mfa.enrolled,
              active: mfa.active,
              percent: enrolledShare,
            })}
          />
          <p className="mt-1 text-sm text-slate-600" data-testid="mfa-policy">
            {!mfaRequired
              ? t('mfaEnrollment.notRequired')
              : graceRunning
                ? t('mfaEnrollment.grace', { deadline: formatJst(mfa.graceUntil, locale) })
                : t('mfaEnrollment.required')}
          </p>
        </section>
      )}

      {operators && (
        <section>
          <div className="mb-2 flex flex-wrap items-center gap-3">
            <h2 className="text-lg font-medium">{isPlatform ? t('admin.staff') : t('tenant.operators')}</h2>
            <span className="text-sm text-slate-500">
              {t('tenants.operatorCount', { count: tenant.operatorCount })}
            </span>
            <form className="ml-auto flex gap-2" role="search">
              <input
                name="q"
                defaultValue={query.q ?? ''}
                placeholder={t('admin.searchOperators')}
                aria-label={t('admin.searchOperators')}
                className="rounded border border-slate-300 px-2 py-1 text-sm"
              />
              <button className="rounded border border-slate-300 px-3 py-1 text-sm">{t('admin.search')}</button>
            </form>
            {can('operators.write') && (
              <Link
                href={`/t/${tenant.id}/operators/new`}
                className="rounded bg-brand-600 px-3 py-1 text-sm text-white"
              >
                {t('admin.newOperator')}
              </Link>
            )}
          </div>
          <div className="overflow-x-auto" tabIndex={0}>
            <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
              <thead className="bg-slate-100 text-left">
                <tr>
                  <th className="px-3 py-2">{t('tenant.loginId')}</th>
                  <th className="px-3 py-2">{t('tenant.name')}</th>
                  <th className="px-3 py-2">{t('tenant.role')}</th>
                  <th className="px-3 py-2">{t('tenant.status')}</th>
                  <th className="px-3 py-2">{t('tenant.secondFactor')}</th>
                  <th className="px-3 py-2">{t('tenant.lastLogin')}</th>
                </tr>
              </thead>
              <tbody>
                {operators.rows.map((o) => (
                  <tr key={o.id} className="border-t border-slate-100" data-testid="operator-row">
                    <td className="px-3 py-2 font-mono">
                      {can('operators.write') ? (
                        <Link className="text-brand-600 hover:underline" href={`/t/${tenant.id}/operators/${o.id}`}>
                          {o.loginId}
                        </Link>
                      ) : (
                        o.loginId
                      )}
                    </td>
                    <td className="px-3 py-2">{o.displayName}</td>
                    <td className="px-3 py-2">{t(`roles.${o.role}`)}</td>
                    <td className="px-3 py-2">
                      {t(`status.${o.status}`)}
                      {o.lockedAt && <span className="ml-1 text-red-700">· {t('admin.locked')}</span>}
                      {o.mustChangePassword && <span className="ml-1 text-amber-700">· {t('admin.mustChange')}</span>}
                    </td>
                    <td className="px-3 py-2" data-testid="operator-factor">
                      {o.totp === 'active' ? (
                        <span className="text-green-800">
                          {t('factor.totp')}{' '}
                          <span className="text-xs text-slate-500">
                            {t('factor.codes', { count: o.recoveryCodesLeft })}
                          </span>
                        </span>
                      ) : o.totp === 'pending' ? (
                        <span className="text-amber-800">{t('factor.pending')}</span>
                      ) : !mfaRequired ? (
                        <span className="text-slate-500">{t('factor.none')}</span>
                      ) : graceRunning ? (
                        <span className="text-amber-800">
                          {t('factor.dueIn', {
                            days: Math.max(1, Math.ceil((mfa!.graceUntil!.getTime() - now().getTime()) / 86_400_000)),
                          })}
                        </span>
                      ) : (
                        <span className="text-red-700">{t('factor.overdue')}</span>
                      )}
                    </td>
                    <td className="px-3 py-2">
                      {formatJst(o.lastLoginAt, locale)}{' '}
                      {o.lastLoginIp && <span className="font-mono text-slate-500">{o.lastLoginIp}</span>}
                    </td>
                  </tr>
                ))}
                {operators.rows.length === 0 && (
                  <tr>
                    <td colSpan={6} className="px-3 py-4 text-center text-slate-500">
                      {query.q ? (
                        <>
                          {t('tenant.operatorsNoMatch', { q: query.q })}{' '}
                          <Link className="text-brand-600 underline" href={`/t/${tenant.id}`}>
                            {t('admin.clearSearch')}
                          </Link>
                        </>
                      ) : (
                        <>
                          {t('tenant.operatorsNone')}{' '}
                          {can('operators.write') && (
                            <Link className="text-brand-600 underline" href={`/t/${tenant.id}/operators/new`}>
                              {t('admin.addFirstOperator')}
                            </Link>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          {operators.next && (
            <Link
              className="mt-2 inline-block text-sm text-brand-600"
              href={`/t/${tenant.id}?${new URLSearchParams({ ...(query.q ? { q: query.q } : {}), after: operators.next })}`}
            >
              {t('admin.nextPage')}
            </Link>
          )}
        </section>
      )}

      {paymentChanges && (
        <section className="rounded-lg border border-slate-200 bg-white p-4" data-testid="payment-changes">
          <h2 className="mb-2 font-medium">{t('payment.recentTitle')}</h2>
          {paymentChanges.length === 0 && <p className="text-sm text-slate-500">{t('payment.recentNone')}</p>}
          <ul className="space-y-1 text-sm">
            {paymentChanges.map((c) => (
              <li key={c.seq} data-testid="payment-change">
                <span className="text-slate-500">{formatJst(c.occurredAt, locale)}</span> ·{' '}
                <span className="font-mono">{c.actorLoginId}</span> ·{' '}
                {overview.sites.find((s) => s.id === c.siteId)?.name ?? c.siteId} ·{' '}
                {c.action === 'payment_settings.updated'
                  ? t('payment.changed', {
                      fields: (c.fields ?? []).map((f) => t(`payment.fields.${f}`)).join(t('payment.separator')),
                    })
                  : t(c.outcome === 'success' ? 'payment.revealed' : 'payment.revealFailed', {
                      field: t(`payment.fields.${c.field}`),
                    })}
              </li>
            ))}
          </ul>
        </section>
      )}

      {can('security.write') && (
        <nav aria-label={tenant.name} className="flex flex-wrap gap-x-4 gap-y-2 text-sm whitespace-nowrap">
          <Link className="text-brand-600 hover:underline" href={`/t/${tenant.id}/audit`}>
            {t('nav.audit')}
          </Link>
          <Link className="text-brand-600 hover:underline" href={`/t/${tenant.id}/ip-allowlist`}>
            {t('nav.ipAllowlist')}
          </Link>
          <Link className="text-brand-600 hover:underline" href={`/t/${tenant.id}/rotation`}>
            {t('nav.rotation')}
          </Link>
          {!isPlatform && (
            <Link className="text-brand-600 hover:underline" href={`/t/${tenant.id}/api-tokens`}>
              {t('nav.apiTokens')}
            </Link>
          )}
          {!isPlatform && (
            <Link className="text-brand-600 hover:underline" href={`/t/${tenant.id}/security`}>
              {t('nav.security')}
            </Link>
          )}
        </nav>
      )}

      {isPlatform && dormancyWriter && (
        <section aria-labelledby="dormancy-title" className="max-w-md rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="dormancy-title" className="mb-2 font-medium">
            {t('security.dormancyStaffTitle')}
          </h2>
          <DormancyForm tenantId={tenant.id} days={await getDormancyPeriod(dormancyWriter)} />
        </section>
      )}

      {can('sessions.manage') && (
        <section className="max-w-md rounded-lg border border-red-200 bg-white p-4">
          <h2 className="mb-2 font-medium">{t('admin.endTenantSessions')}</h2>
          <EndSessionsForm tenantId={tenant.id} name={tenant.name} liveSessions={tenant.liveSessions} />
        </section>
      )}
    </div>
  );
}
