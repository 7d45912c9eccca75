import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { alsoOn, requireAccess } from '@/lib/auth/guard';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { listIncidents } from '@/lib/incidents/list-incidents';
import { OpenIncidentForm } from './forms';

/** The company's (or the platform's) incidents: open ones first; opening one for a new suspicion. */
export default async function IncidentsPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/incidents/page.tsx', { tenantId });
  const [t, locale, rows] = await Promise.all([
    getTranslations('incidents'),
    getLocale() as Promise<Locale>,
    listIncidents(ctx),
  ]);
  const writer = alsoOn(ctx, 'security.write');
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">{t('intro')}</p>
      </div>
      {writer && (
        <section aria-labelledby="open-title" className="max-w-xl rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="open-title" className="mb-2 text-lg font-semibold">
            {t('openTitle')}
          </h2>
          <OpenIncidentForm tenantId={tenantId} />
        </section>
      )}
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm" data-testid="incidents">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">{t('columns.title')}</th>
              <th className="px-3 py-2">{t('columns.status')}</th>
              <th className="px-3 py-2">{t('columns.opened')}</th>
              <th className="px-3 py-2 text-right">{t('columns.pivots')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-slate-100" data-testid="incident-row">
                <td className="px-3 py-2">
                  <Link className="text-brand-600 hover:underline" href={`/t/${tenantId}/incidents/${r.id}`}>
                    {r.title}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  {r.closedAt ? (
                    t('closedAt', { at: formatJst(r.closedAt, locale) })
                  ) : (
                    <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">
                      {t('statusOpen')}
                    </span>
                  )}
                </td>
                <td className="px-3 py-2">
                  {formatJst(r.openedAt, locale)} · <span className="font-mono">{r.openedByLoginId}</span>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{r.pivots}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={4} className="px-3 py-4 text-center text-slate-500">
                  {t('none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
