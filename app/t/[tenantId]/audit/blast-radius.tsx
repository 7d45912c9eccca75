import { getLocale, getTranslations } from 'next-intl/server';
import type { measureBlastRadius } from '@/lib/audit/measure-blast-radius';
import { formatJst, type Locale } from '@/lib/i18n/locale';

type Radius = Awaited<ReturnType<typeof measureBlastRadius>>;

/**
 * What a pivot touched, per tenant and site, counted from every matching event; where the trail
 * cannot tell, it says "not evidenced" with the reason rather than guessing.
 */
export async function BlastRadius({
  radius,
  across,
  csvHref,
  reportHref,
}: {
  radius: Radius;
  across: boolean;
  csvHref: string;
  reportHref: string;
}) {
  const [t, locale] = await Promise.all([getTranslations('audit.radius'), getLocale() as Promise<Locale>]);
  const nf = new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-GB');
  const num = (n: number) => nf.format(n);
  const { sites, prunedBefore } = radius;
  return (
    <section
      aria-labelledby="radius-title"
      className="space-y-2 rounded-lg border border-slate-200 bg-white p-3 text-sm"
      data-testid="blast-radius"
    >
      <div className="flex flex-wrap items-baseline gap-3">
        <h2 id="radius-title" className="font-medium">
          {t('title')}
        </h2>
        <a className="text-xs text-brand-600 hover:underline" href={csvHref} data-testid="radius-csv">
          {t('csv')}
        </a>
        <a className="text-xs text-brand-600 hover:underline" href={reportHref} data-testid="radius-report-link">
          {t('printable')}
        </a>
      </div>
      <p className="text-xs text-slate-600">{t('intro')}</p>
      {sites.length === 0 ? (
        <p className="text-slate-500">{t('nothing')}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="bg-slate-100 text-left">
              <tr>
                {across && <th className="px-2 py-1">{t('tenant')}</th>}
                <th className="px-2 py-1">{t('site')}</th>
                <th className="px-2 py-1">{t('operators')}</th>
                <th className="px-2 py-1 text-right">{t('ordersExported')}</th>
                <th className="px-2 py-1 text-right">{t('members')}</th>
                <th className="px-2 py-1 text-right">{t('orders')}</th>
                <th className="px-2 py-1 text-right">{t('secrets')}</th>
                <th className="px-2 py-1 text-right">{t('settings')}</th>
              </tr>
            </thead>
            <tbody>
              {sites.map((s) => (
                <tr
                  key={`${s.tenantId}:${s.siteId}`}
                  className="border-t border-slate-100 align-top"
                  data-testid="radius-row"
                >
                  {across && <td className="px-2 py-1">{s.tenantName}</td>}
                  <td className="px-2 py-1">{s.siteName ?? (s.siteId ? s.siteId : t('noSite'))}</td>
                  <td className="px-2 py-1 font-mono text-xs">{s.operators.join(', ') || '—'}</td>
                  <td className="px-2 py-1 text-right tabular-nums">
                    {num(s.ordersExported)}
                    {s.exportFiles.length > 0 && (
                      <details className="text-left text-xs text-slate-600">
                        <summary className="cursor-pointer">{t('files', { count: s.exportFiles.length })}</summary>
                        <ul>
                          {s.exportFiles.map((f) => (
                            <li key={`${f.sha256}:${f.at.getTime()}`}>
                              {formatJst(f.at, locale)}: {t('fileRows', { rows: f.rows, customers: f.customers })}{' '}
                              <code className="break-all">sha256 {f.sha256}</code>
                            </li>
                          ))}
                        </ul>
                      </details>
                    )}
                  </td>
                  <td className="px-2 py-1 text-right tabular-nums">
                    {t('revealedListed', { revealed: s.membersRevealed, listed: s.membersListed })}
                  </td>
                  <td className="px-2 py-1 text-right tabular-nums">
                    {t('revealedListed', { revealed: s.ordersRevealed, listed: s.ordersListed })}
                  </td>
                  <td className="px-2 py-1 text-right tabular-nums">{num(s.paymentSecretsRevealed)}</td>
                  <td className="px-2 py-1 text-right tabular-nums">{num(s.settingsChanged)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ul className="space-y-1 text-xs text-amber-900" data-testid="radius-gaps">
        {sites
          .filter((s) => s.exportFiles.length > 1)
          .map((s) => (
            <li key={`c:${s.tenantId}:${s.siteId}`}>
              {t('customersAcrossFiles', {
                site: s.siteName ?? t('noSite'),
                count: s.exportFiles.length,
                perFile: s.exportFiles.map((f) => num(f.customers)).join(' / '),
              })}
            </li>
          ))}
        {sites
          .filter((s) => s.exportsUnaccounted > 0 || s.rowsSentBeforeAbort > 0)
          .map((s) => (
            <li key={`u:${s.tenantId}:${s.siteId}`}>
              {s.exportsUnaccounted > 0 &&
                t('unaccounted', { site: s.siteName ?? t('noSite'), count: s.exportsUnaccounted })}{' '}
              {s.rowsSentBeforeAbort > 0 &&
                t('aborted', { site: s.siteName ?? t('noSite'), rows: s.rowsSentBeforeAbort })}
            </li>
          ))}
        {[...prunedBefore].map(([tenantId, at]) => (
          <li key={`p:${tenantId}`}>{t('pruned', { at: formatJst(at, locale) })}</li>
        ))}
      </ul>
    </section>
  );
}
