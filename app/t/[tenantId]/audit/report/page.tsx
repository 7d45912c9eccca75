import { getLocale, getTranslations } from 'next-intl/server';
import { notFound } from 'next/navigation';
import { UUID } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { filterParams, parseAuditFilter, type AuditFilter } from '@/lib/audit/audit-filter';
import { measureBlastRadius, measureBlastRadiusAcrossTenants } from '@/lib/audit/measure-blast-radius';
import { recordCrossTenantView } from '@/lib/audit/record-cross-tenant-view';
import { onPlatform, requireAccess } from '@/lib/auth/guard';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { readIncidentPivots } from '@/lib/incidents/read-incident-pivots';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { PrintButton } from './print-button';

/**
 * What a pivot touched, as a page to print or file: laid out like the facts section of a breach
 * notice (when, who, what, what the trail cannot show, how to check it), every figure computed from
 * the audit trail, in the viewer's language. Same filter as the audit page (and `across=all`), or
 * `incident=<id>`: the union of an incident's pivots.
 */
export default async function BlastRadiusReportPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { tenantId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/audit/report/page.tsx', { tenantId });
  const raw = await searchParams;
  const platform = tenantId === PLATFORM_TENANT_ID;
  // An incident's report: the union of its pivots (a platform incident's across every tenant).
  const incidentId = typeof raw.incident === 'string' && UUID.test(raw.incident) ? raw.incident : null;
  const staff = platform && (raw.across === 'all' || incidentId) ? onPlatform(ctx, 'audit.read') : null;
  const incident = incidentId
    ? await readIncidentPivots(staff ?? ctx, incidentId).catch((error) => {
        if (error instanceof AppError) notFound();
        throw error;
      })
    : null;
  const parsed = incident
    ? null
    : parseAuditFilter(raw, 'console', { without: ['tenant'], extra: platform ? ['across'] : [] });
  if (parsed && !parsed.ok) notFound();
  const filters = incident ? incident.filters : [(parsed as { filter: AuditFilter }).filter];
  if (!incident && !filters.some((f) => f.session || f.actor || f.ip || f.target)) notFound();
  const [t, locale, radius] = await Promise.all([
    getTranslations('audit.report'),
    getLocale() as Promise<Locale>,
    staff ? measureBlastRadiusAcrossTenants(staff, filters) : measureBlastRadius(ctx, filters),
    staff ? recordCrossTenantView(staff, filters, 'report') : null,
  ]);
  const { sites, prunedBefore } = radius;
  const nf = new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-GB');
  const n = (v: number) => nf.format(v);
  const sum = (f: (s: (typeof sites)[number]) => number) => sites.reduce((a, s) => a + f(s), 0);
  const loginIds = [...new Set(sites.flatMap((s) => s.operators))].sort();
  const companies = new Set(sites.map((s) => s.tenantId));
  const shops = sites.filter((s) => s.siteId);
  const first = sites.length ? new Date(Math.min(...sites.map((s) => s.firstAt.getTime()))) : null;
  const last = sites.length ? new Date(Math.max(...sites.map((s) => s.lastAt.getTime()))) : null;
  const files = sites.flatMap((s) => s.exportFiles.map((f) => ({ ...f, site: s.siteName ?? s.siteId ?? '' })));
  const gaps = [
    ...sites
      .filter((s) => s.exportFiles.length > 1)
      .map((s) => t('gapCustomers', { site: s.siteName ?? '', count: s.exportFiles.length })),
    ...sites
      .filter((s) => s.exportsUnaccounted > 0)
      .map((s) => t('gapUnaccounted', { site: s.siteName ?? '', count: s.exportsUnaccounted })),
    ...[...prunedBefore.values()].map((at) => t('gapPruned', { at: formatJst(at, locale) })),
  ];
  const described = filters
    .map((f) => {
      const q = filterParams(f);
      if (staff && !incident) q.set('across', 'all');
      return decodeURIComponent(q.toString());
    })
    .join(' | ');
  const section = 'space-y-2 break-inside-avoid';
  return (
    <article className="mx-auto max-w-4xl space-y-6 text-sm leading-relaxed" data-testid="radius-report">
      <header className="space-y-1 border-b border-slate-300 pb-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h1 className="text-2xl font-semibold">{t('title')}</h1>
          <PrintButton label={t('print')} />
        </div>
        <p className="text-slate-600">
          {incident
            ? t('metaIncident', {
                at: formatJst(now(), locale),
                by: ctx.loginId,
                title: incident.title,
                filter: described,
              })
            : t('meta', { at: formatJst(now(), locale), by: ctx.loginId, filter: described })}
        </p>
      </header>
      <section className={section} aria-labelledby="r-when">
        <h2 id="r-when" className="text-lg font-semibold">
          {t('when')}
        </h2>
        <p>
          {first && last ? t('period', { first: formatJst(first, locale), last: formatJst(last, locale) }) : t('none')}
        </p>
      </section>
      <section className={section} aria-labelledby="r-who">
        <h2 id="r-who" className="text-lg font-semibold">
          {t('who')}
        </h2>
        <p>{t('whoText', { companies: companies.size, sites: shops.length, ids: loginIds.length })}</p>
        {loginIds.length > 0 && <p className="font-mono text-xs">{loginIds.join(', ')}</p>}
      </section>
      <section className={section} aria-labelledby="r-what">
        <h2 id="r-what" className="text-lg font-semibold">
          {t('what')}
        </h2>
        <ul className="list-disc space-y-1 pl-5" data-testid="report-facts">
          <li>
            {t('factOrders', {
              rows: n(sum((s) => s.ordersExported)),
              files: files.length,
              customers: n(files.reduce((a, f) => a + f.customers, 0)),
            })}
          </li>
          <li>
            {t('factMembers', {
              revealed: n(sum((s) => s.membersRevealed)),
              listed: n(sum((s) => s.membersListed)),
            })}
          </li>
          <li>
            {t('factOrderViews', {
              revealed: n(sum((s) => s.ordersRevealed)),
              listed: n(sum((s) => s.ordersListed)),
            })}
          </li>
          <li>{t('factSecrets', { count: sum((s) => s.paymentSecretsRevealed) })}</li>
          <li>{t('factSettings', { count: sum((s) => s.settingsChanged) })}</li>
        </ul>
        {shops.length > 0 && (
          <div className="overflow-x-auto" tabIndex={0}>
            <table className="w-full border-collapse text-xs">
              <thead>
                <tr className="border-b border-slate-300 text-left">
                  <th className="py-1 pr-2">{t('site')}</th>
                  <th className="py-1 pr-2 text-right">{t('rows')}</th>
                  <th className="py-1 pr-2 text-right">{t('members')}</th>
                  <th className="py-1 pr-2 text-right">{t('orders')}</th>
                  <th className="py-1 text-right">{t('secrets')}</th>
                </tr>
              </thead>
              <tbody>
                {shops.map((s) => (
                  <tr key={`${s.tenantId}:${s.siteId}`} className="border-b border-slate-100">
                    <td className="py-1 pr-2">
                      {s.tenantName} / {s.siteName ?? s.siteId}
                    </td>
                    <td className="py-1 pr-2 text-right tabular-nums">{n(s.ordersExported)}</td>
                    <td className="py-1 pr-2 text-right tabular-nums">
                      {n(s.membersRevealed)} / {n(s.membersListed)}
                    </td>
                    <td className="py-1 pr-2 text-right tabular-nums">
                      {n(s.ordersRevealed)} / {n(s.ordersListed)}
                    </td>
                    <td className="py-1 text-right tabular-nums">{n(s.paymentSecretsRevealed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {files.length > 0 && (
          <ul className="space-y-1 text-xs" data-testid="report-files">
            {files.map((f) => (
              <li key={`${f.sha256}:${f.at.getTime()}`}>
                {formatJst(f.at, locale)} · {f.site} · {t('fileRows', { rows: n(f.rows), customers: n(f.customers) })}
                <code className="block break-all text-slate-600">sha256 {f.sha256}</code>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className={section} aria-labelledby="r-gaps">
        <h2 id="r-gaps" className="text-lg font-semibold">
          {t('gaps')}
        </h2>
        {gaps.length ? (
          <ul className="list-disc space-y-1 pl-5" data-testid="report-gaps">
            {gaps.map((g) => (
              <li key={g}>{g}</li>
            ))}
          </ul>
        ) : (
          <p>{t('noGaps')}</p>
        )}
      </section>
      <section className={section} aria-labelledby="r-check">
        <h2 id="r-check" className="text-lg font-semibold">
          {t('check')}
        </h2>
        <p>{t('checkText')}</p>
      </section>
    </article>
  );
}
