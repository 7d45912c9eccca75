import { getLocale, getTranslations } from 'next-intl/server';
import { listAlerts } from '@/lib/alerts/list-alerts';
import { onOwnTenant, onPlatform, requireAccess } from '@/lib/auth/guard';
import { getOwnPosture } from '@/lib/posture/get-own-posture';
import { readTrends } from '@/lib/posture/read-trends';
import { SecurityTrends } from '@/app/components/security-trends';
import { PosturePanel } from './posture-panel';
import Link from 'next/link';
import { listSupportGrants } from '@/lib/support/list-support-grants';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { AcknowledgeAlertForm, ContainKnownPasswordForm } from './alert-forms';
import { KNOWN_PASSWORD_RULES } from '@/lib/alerts/contain-known-password';
import { isLabelledDetailKey } from '@/lib/audit/audit-labels';
import { DORMANCY_NOTICE_DAYS, listDormancyDue } from '@/lib/tenancy/list-dormancy-due';

const detailsOf = (a: { details: unknown }) => (a.details ?? {}) as Record<string, unknown>;
const knownPassword = (rule: string) => (KNOWN_PASSWORD_RULES as readonly string[]).includes(rule);

export default async function DashboardPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const ctx = await requireAccess('app/page.tsx');
  const passwordChanged = (await searchParams).password === 'changed';
  const canAcknowledge = onOwnTenant(ctx, 'security.write') !== null;
  const canContain = onOwnTenant(ctx, 'operators.write') !== null;
  // Alerts for those who may read the audit trail: the platform's staff see every company's.
  const audit = onOwnTenant(ctx, 'audit.read');
  // Operators about to be disabled for inactivity, for those who manage them (staff: their own).
  const operatorsReader = onOwnTenant(ctx, 'operators.read');
  // A company's admins see its posture; whoever reads the trail, its 30-day trends (staff: all companies').
  const postureOwner = ctx.tenant.kind === 'tenant' ? onOwnTenant(ctx, 'security.write') : null;
  const trendReader = ctx.tenant.kind === 'platform' ? onPlatform(ctx, 'audit.read') : audit;
  const [t, locale, alerts, grants, dormancy, posture, trends] = await Promise.all([
    getTranslations(),
    getLocale() as Promise<Locale>,
    audit ? listAlerts(audit) : null,
    // A company's admins see, on every visit, who at the platform can read their customer data.
    audit && ctx.tenant.kind === 'tenant' ? listSupportGrants(audit) : [],
    operatorsReader ? listDormancyDue(operatorsReader) : null,
    postureOwner ? getOwnPosture(postureOwner) : null,
    trendReader ? readTrends(trendReader) : null,
  ]);
  const activeGrants = grants.filter((g) => g.active);
  const prev = ctx.previousLogin;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t('dashboard.title')}</h1>
      {activeGrants.map((g) => (
        <p
          key={g.id}
          role="status"
          className="rounded border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-900"
          data-testid="support-notice"
        >
          {t('support.notice', {
            scopes: g.scopes.map((x) => t(`support.scope.${x}`)).join(t('support.separator')),
            until: formatJst(g.expiresAt, locale),
            grantee: g.granteeLoginId ?? t('support.team'),
            uses: g.useCount,
          })}{' '}
          {canAcknowledge && (
            <Link className="font-medium underline" href={`/t/${ctx.tenantId}/security#support-access`}>
              {t('support.noticeLink')}
            </Link>
          )}
        </p>
      ))}
      {passwordChanged && (
        <p role="status" className="rounded border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
          {t('password.changed')}
        </p>
      )}
      <section className="grid gap-4 sm:grid-cols-3">
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <div className="text-xs text-slate-500">{t('dashboard.signedInAs')}</div>
          <div className="mt-1 font-medium" data-testid="whoami">
            {ctx.displayName} <span className="text-slate-500">({ctx.loginId})</span>
          </div>
          <div className="mt-1 text-sm text-slate-600">{t(`roles.${ctx.role}`)}</div>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <div className="text-xs text-slate-500">{t('dashboard.tenant')}</div>
          <div className="mt-1 font-medium" data-testid="tenant-name">
            {ctx.tenant.name}
          </div>
          <div className="mt-1 text-sm text-slate-600">
            {t('dashboard.thisSession')} {ctx.ip}
          </div>
        </div>
        <div className="rounded-lg border border-amber-200 bg-amber-50 p-4" data-testid="previous-login">
          <div className="text-xs text-amber-800">{t('dashboard.previousLogin')}</div>
          {prev.at ? (
            <>
              <div className="mt-1 font-medium">{formatJst(prev.at, locale)}</div>
              <div className="text-sm">IP {prev.ip ?? '—'}</div>
              <div className="mt-2 text-xs text-amber-900">{t('dashboard.previousLoginWarn')}</div>
            </>
          ) : (
            <div className="mt-1 text-sm">{t('dashboard.previousLoginNone')}</div>
          )}
        </div>
      </section>
      {posture && <PosturePanel tenantId={ctx.tenantId} posture={posture} />}
      {ctx.tenant.kind === 'platform' && onPlatform(ctx, 'tenants.list') && (
        <p className="text-sm">
          <Link className="text-brand-600 hover:underline" href="/platform/posture" data-testid="posture-link">
            {t('posture.link')}
          </Link>
        </p>
      )}
      {dormancy && dormancy.length > 0 && (
        <section
          aria-labelledby="dormancy-title"
          className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm"
          data-testid="dormancy-due"
        >
          <h2 id="dormancy-title" className="font-medium text-amber-900">
            {t('dormancy.title', { days: DORMANCY_NOTICE_DAYS })}
          </h2>
          <ul className="mt-2 space-y-1">
            {dormancy.map((d) => (
              <li key={d.id} className="flex flex-wrap gap-x-2">
                <span className="font-mono">{d.loginId}</span>
                <span className="text-slate-700">
                  {d.kept ? t('dormancy.kept') : t('dormancy.on', { at: formatJst(d.disabledAt, locale) })}
                </span>
              </li>
            ))}
          </ul>
          <p className="mt-2 text-xs text-slate-700">{t('dormancy.hint')}</p>
        </section>
      )}
      {alerts && (
        <section className="rounded-lg border border-slate-200 bg-white p-4" data-testid="alerts">
          <h2 className="mb-2 font-medium">{t('alerts.title')}</h2>
          {alerts.length === 0 ? (
            <p className="text-sm text-slate-500">{t('alerts.none')}</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm">
              {alerts.map((a) => (
                <li
                  key={a.id}
                  className="flex flex-wrap items-start justify-between gap-2 py-2"
                  data-testid="alert"
                  data-rule={a.rule}
                >
                  <div>
                    <div className={a.acknowledgedAt ? 'text-slate-500' : 'font-medium text-red-800'}>
                      {t(`alerts.rules.${a.rule}`)}
                    </div>
                    <div className="text-slate-600">
                      {formatJst(a.raisedAt, locale)} · {a.tenantName}
                      {a.loginId && <> · {a.loginId}</>}
                    </div>
                    {knownPassword(a.rule) ? (
                      <div className="text-slate-700" data-testid="alert-detail">
                        {t(`alerts.details.${a.rule}`, {
                          ip: String(detailsOf(a).ip ?? '—'),
                          layer: t(`ipAllowlist.layer.${detailsOf(a).layer === 'operator' ? 'operator' : 'tenant'}`),
                          wrongCodes: Number(detailsOf(a).wrongCodes ?? 0),
                        })}
                      </div>
                    ) : (
                      <dl className="flex flex-wrap gap-x-3 text-xs text-slate-600" data-testid="alert-detail">
                        {Object.entries(detailsOf(a)).map(([key, value]) => (
                          <div key={key} className="flex gap-1">
                            <dt>{isLabelledDetailKey(key) ? t(`audit.detailFields.${key}`) : key}:</dt>
                            <dd className="font-mono">
                              {value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)}
                            </dd>
                          </div>
                        ))}
                      </dl>
                    )}
                    {(a.loginId || typeof detailsOf(a).ip === 'string') && (
                      <p className="mt-1 flex flex-wrap gap-x-3 text-xs" data-testid="alert-pivots">
                        {a.loginId && (
                          <Link
                            className="text-brand-600 hover:underline"
                            href={`/t/${a.tenantId}/audit?${new URLSearchParams({ actor: a.loginId })}`}
                          >
                            {t('alerts.pivotOperator', { loginId: a.loginId })}
                          </Link>
                        )}
                        {typeof detailsOf(a).ip === 'string' && (
                          <Link
                            className="text-brand-600 hover:underline"
                            href={`/t/${a.tenantId}/audit?${new URLSearchParams({ ip: String(detailsOf(a).ip) })}`}
                          >
                            {t('alerts.pivotIp', { ip: String(detailsOf(a).ip) })}
                          </Link>
                        )}
                      </p>
                    )}
                  </div>
                  {a.acknowledgedAt ? (
                    <span className="text-xs text-slate-500">
                      {t('alerts.acknowledgedBy', { login: a.acknowledgedByLoginId ?? '' })}
                    </span>
                  ) : (
                    <div className="flex flex-wrap items-start gap-2">
                      {canContain && knownPassword(a.rule) && a.loginId && (
                        <ContainKnownPasswordForm tenantId={a.tenantId} alertId={a.id} loginId={a.loginId} />
                      )}
                      {canAcknowledge && <AcknowledgeAlertForm tenantId={a.tenantId} alertId={a.id} />}
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {trends && <SecurityTrends trends={trends} />}
    </div>
  );
}
