import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import type { AuditFilter } from '@/lib/audit/audit-filter';
import { isAuditAction } from '@/lib/audit/audit-actions';
import type { countAuditAcrossTenants } from '@/lib/audit/count-audit-across-tenants';
import type { searchAuditAcrossTenants } from '@/lib/audit/search-audit-across-tenants';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { AuditEventDetail } from './audit-event-detail';

type Pivot = Partial<Record<keyof AuditFilter, string>>;

/**
 * A pivot across every tenant's chain (platform staff): which tenants it touched, what it did in
 * each, and its newest events with their tenant. Each tenant links to the same pivot in its own
 * chain, where it pages on and can be contained.
 */
export async function AcrossTenants({
  base,
  pivot,
  rows,
  counts,
  between,
}: {
  base: string;
  /** The filter as given, without the tenant (carried into each tenant's link). */
  pivot: Pivot;
  rows: Awaited<ReturnType<typeof searchAuditAcrossTenants>>;
  counts: Awaited<ReturnType<typeof countAuditAcrossTenants>> | null;
  /** Shown between the counts and the events: what it touched, and how to contain it. */
  between?: React.ReactNode;
}) {
  const [t, locale] = await Promise.all([getTranslations('audit'), getLocale() as Promise<Locale>]);
  const actionLabel = (name: string) => (isAuditAction(name) ? t(`actionLabels.${name}`) : name);
  const inTenant = (tenantId: string, extra: Pivot = {}) =>
    `${base}?${new URLSearchParams({ ...pivot, ...extra, tenant: tenantId })}`;
  return (
    <>
      {counts && (
        <section
          aria-labelledby="across-title"
          className="rounded-lg border border-slate-200 bg-white p-3 text-sm"
          data-testid="across-counts"
        >
          <h2 id="across-title" className="font-medium">
            {t('across.counts', { count: counts.total, tenants: counts.tenants.length })}
          </h2>
          <ul className="mt-2 space-y-2">
            {counts.tenants.map((c) => (
              <li key={c.tenantId} className="flex flex-wrap items-center gap-2" data-testid="across-tenant">
                <Link className="font-medium text-brand-600 hover:underline" href={inTenant(c.tenantId)}>
                  {c.name} <span className="font-mono text-xs text-slate-500">{c.code}</span>
                </Link>
                <span className="tabular-nums text-slate-600">
                  {t(c.capped ? 'across.tenantTotalCapped' : 'across.tenantTotal', { count: c.total })}
                </span>
                {c.actions.map((a) => (
                  <Link
                    key={a.action}
                    className="inline-flex items-center gap-1 rounded-full border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50"
                    href={inTenant(c.tenantId, { action: a.action })}
                  >
                    {actionLabel(a.action)} <span className="font-semibold tabular-nums">{a.count}</span>
                  </Link>
                ))}
              </li>
            ))}
          </ul>
        </section>
      )}
      {between}
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm" data-testid="across-rows">
          <caption className="p-2 text-left text-xs text-slate-500">{t('across.newest', { n: rows.length })}</caption>
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-2 py-2">{t('columns.when')}</th>
              <th className="px-2 py-2">{t('columns.tenant')}</th>
              <th className="px-2 py-2">{t('columns.actor')}</th>
              <th className="px-2 py-2">{t('columns.action')}</th>
              <th className="px-2 py-2">{t('columns.outcome')}</th>
              <th className="px-2 py-2">{t('columns.ip')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr
                key={`${e.tenantId}:${e.seq}`}
                className="border-t border-slate-100 align-top"
                data-testid="audit-row"
              >
                <td className="whitespace-nowrap px-2 py-2">{formatJst(e.occurredAt, locale, { seconds: true })}</td>
                <td className="px-2 py-2">
                  <Link className="text-brand-600 hover:underline" href={inTenant(e.tenantId)}>
                    {e.tenantName}
                  </Link>
                </td>
                <td className="px-2 py-2 font-mono">{e.actorLoginId ?? '—'}</td>
                <td className="px-2 py-2">
                  <details>
                    <summary className="cursor-pointer" data-testid="audit-action">
                      {actionLabel(e.action)}
                      <code className="block text-xs text-slate-500">{e.action}</code>
                    </summary>
                    <AuditEventDetail event={e} t={t} locale={locale} />
                  </details>
                </td>
                <td className={`px-2 py-2 ${e.outcome === 'success' ? 'text-green-700' : 'text-red-700'}`}>
                  {t(`outcomes.${e.outcome}`)}
                </td>
                <td className="px-2 py-2 font-mono">{e.ip}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={6} className="px-2 py-4 text-center text-slate-500">
                  {t('none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
