import { Breadcrumbs } from '@/app/components/breadcrumbs';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { now } from '@/lib/clock';
import { listOrderExports } from '@/lib/ec/request-order-export';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { getSite } from '@/lib/tenancy/get-site';
import { DecideExportForm, DownloadExportForm, ExportRequestForm } from './forms';

export default async function OrderExportPage({ params }: { params: Promise<{ tenantId: string; siteId: string }> }) {
  const { tenantId, siteId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/sites/[siteId]/export/page.tsx', { tenantId });
  const site = await getSite(ctx, siteId);
  if (!site) notFound();
  const [t, locale, exports] = await Promise.all([
    getTranslations('orderExport'),
    getLocale() as Promise<Locale>,
    listOrderExports(ctx, siteId),
  ]);
  const today = new Date(now().getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
  const day = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
  return (
    <div className="space-y-6">
      <div>
        <Breadcrumbs trail={[{ label: site.name, href: `/t/${tenantId}` }, { label: t('title') }]} />
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="max-w-3xl text-sm text-slate-600">{t('intro')}</p>
      </div>
      <section className="max-w-3xl rounded-lg border border-slate-200 bg-white p-4">
        <ExportRequestForm
          tenantId={tenantId}
          siteId={siteId}
          from={`${Number(today.slice(0, 4)) - 2}${today.slice(4)}`}
          to={today}
        />
      </section>
      <section>
        <h2 className="mb-2 text-lg font-medium">{t('requests')}</h2>
        {exports.length === 0 ? (
          <p className="text-sm text-slate-500">{t('none')}</p>
        ) : (
          <div className="overflow-x-auto" tabIndex={0}>
            <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
              <thead className="bg-slate-100 text-left">
                <tr>
                  <th className="px-3 py-2">{t('requestedAt')}</th>
                  <th className="px-3 py-2">{t('requestedBy')}</th>
                  <th className="px-3 py-2">{t('period')}</th>
                  <th className="px-3 py-2">{t('rows')}</th>
                  <th className="px-3 py-2">{t('reason')}</th>
                  <th className="px-3 py-2">{t('status')}</th>
                  <th className="px-3 py-2" />
                </tr>
              </thead>
              <tbody>
                {exports.map((e) => (
                  <tr key={e.id} className="border-t border-slate-100 align-top" data-testid="export-row">
                    <td className="px-3 py-2">{formatJst(e.requestedAt, locale)}</td>
                    <td className="px-3 py-2">{e.loginId}</td>
                    <td className="px-3 py-2">
                      {day(e.periodFrom)} – {day(new Date(e.periodTo.getTime() - 1))}
                    </td>
                    <td className="px-3 py-2">
                      {t('rowsAndCustomers', { rows: e.rowCount, customers: e.customerCount })}
                    </td>
                    <td className="px-3 py-2">{e.reason}</td>
                    <td className="px-3 py-2" data-testid="export-status">
                      {t(`statuses.${e.status}`)}
                      {e.decidedByLoginId && (
                        <div className="text-xs text-slate-500">{t('decidedBy', { login: e.decidedByLoginId })}</div>
                      )}
                      {e.sha256 && <div className="break-all font-mono text-xs text-slate-500">sha256 {e.sha256}</div>}
                    </td>
                    <td className="px-3 py-2">
                      {e.mine && (e.status === 'ready' || e.status === 'approved') && (
                        <DownloadExportForm tenantId={tenantId} exportId={e.id} />
                      )}
                      {!e.mine && e.status === 'pending_approval' && (
                        <DecideExportForm tenantId={tenantId} siteId={siteId} exportId={e.id} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
