import { getLocale, getTranslations } from 'next-intl/server';
import type { Locale } from '@/lib/i18n/locale';
import type { readTrends } from '@/lib/posture/read-trends';
import { DailyChart } from './daily-chart';

/**
 * The dashboards' 30-day charts (a company's own, or the platform's across companies): sign-ins,
 * order rows exported, secrets revealed, alerts raised, and the shares with TOTP and a renewed
 * password. Each has its heading, a spoken summary and its numbers as a table.
 */
export async function SecurityTrends({ trends }: { trends: Awaited<ReturnType<typeof readTrends>> }) {
  const [t, locale] = await Promise.all([getTranslations('trends'), getLocale() as Promise<Locale>]);
  const charts = [
    {
      key: 'logins',
      days: trends.logins,
      series: [
        { key: 'succeeded', label: t('succeeded') },
        { key: 'failed', label: t('failed') },
        { key: 'refused', label: t('refused') },
      ],
    },
    { key: 'exports', days: trends.exports, series: [{ key: 'rows', label: t('rows') }] },
    { key: 'secrets', days: trends.secrets, series: [{ key: 'revealed', label: t('revealed') }] },
    { key: 'alerts', days: trends.alerts, series: [{ key: 'raised', label: t('raised') }] },
    {
      key: 'factors',
      days: trends.factors,
      unit: 'percent' as const,
      series: [
        { key: 'totp', label: t('totp'), kind: 'line' as const },
        { key: 'renewed', label: t('renewed'), kind: 'line' as const },
      ],
    },
  ];
  return (
    <section aria-labelledby="trends-title" className="space-y-3" data-testid="trends">
      <h2 id="trends-title" className="text-lg font-medium">
        {t('title')}
      </h2>
      <div className="grid gap-4 lg:grid-cols-2">
        {charts.map((c) => (
          <div
            key={c.key}
            className="min-w-0 rounded-lg border border-slate-200 bg-white p-3"
            data-testid={`trend-${c.key}`}
          >
            <h3 className="mb-2 text-sm font-medium">{t(c.key)}</h3>
            <DailyChart title={t(c.key)} days={c.days} series={c.series} unit={c.unit} locale={locale} />
          </div>
        ))}
      </div>
    </section>
  );
}
