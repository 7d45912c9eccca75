'use client';
/**
 * A day-by-day chart for the security dashboards: stacked bars for daily counts, a line for
 * cumulative progress. Screen readers get a summary in words; everyone gets the numbers as a table.
 *
 *   <h2>{t('signIns')}</h2>
 *   <DailyChart
 *     title={t('signIns')}
 *     locale={locale}
 *     days={days} // [{ day: '2025-12-03', values: { ok: 40, failed: 2, refused: 0 } }, …]
 *     series={[
 *       { key: 'ok', label: t('succeeded') },
 *       { key: 'failed', label: t('failed') },
 *       { key: 'refused', label: t('refusedByIp') },
 *     ]}
 *   />
 *
 *   <DailyChart title={t('totp')} unit="percent" locale={locale} days={progress}
 *     series={[{ key: 'totp', label: t('withTotp'), kind: 'line' }]} />
 */
import { useId, useMemo, useSyncExternalStore } from 'react';
import { useTranslations } from 'next-intl';
import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export type DailyChartDay = {
  /** YYYY-MM-DD, the day in JST. */
  day: string;
  values: Record<string, number>;
};

export type DailyChartSeries = {
  key: string;
  label: string;
  /** Must keep 3:1 against white; the default palette does. */
  color?: string;
  /** Bars stack (daily counts); a line shows a running figure (a cumulative share). */
  kind?: 'bar' | 'line';
};

// Each at least 5:1 on white (WCAG 1.4.11 asks 3:1). They are not 3:1 against each other, so
// stacked segments are also told apart by white gaps, patterns, the legend and the table.
const palette = ['#1f5f8b', '#b91c1c', '#b45309', '#047857', '#6d28d9', '#475569'];
// One white overlay per bar series, so a segment is recognisable without its colour.
const overlays = [
  null,
  <path key="d" d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#fff" strokeWidth={1.5} />,
  <circle key="o" cx={3} cy={3} r={1.3} fill="#fff" />,
  <path key="x" d="M0,0 L6,6 M6,0 L0,6" stroke="#fff" strokeWidth={1} />,
  <path key="h" d="M0,3 h6" stroke="#fff" strokeWidth={1.5} />,
  <path key="v" d="M3,0 v6" stroke="#fff" strokeWidth={1.5} />,
];
const dashes = [undefined, '6 3', '2 3'];

// The chart measures its box, which the server cannot: render it only once mounted, so the
// server's HTML and the first client render agree (no hydration mismatch).
const subscribe = () => () => {};
const useMounted = () =>
  useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );

/** Days are calendar dates: read and print them in UTC so no time zone can shift them. */
const asDate = (day: string) => new Date(`${day}T00:00:00Z`);

export function DailyChart({
  title,
  days,
  series,
  unit = 'count',
  locale,
  height = 220,
}: {
  /** The chart's accessible name; the caller renders the visible heading. */
  title: string;
  /** Oldest first, one entry for every day. */
  days: DailyChartDay[];
  series: DailyChartSeries[];
  /** `percent` values are 0–100. */
  unit?: 'count' | 'percent';
  locale: 'ja' | 'en';
  height?: number;
}) {
  const t = useTranslations('chart');
  const mounted = useMounted();
  // Pattern ids must be unique per chart and usable inside url(#…).
  const idBase = `chart${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;

  const styled = useMemo(() => {
    let bars = 0;
    let lines = 0;
    return series.map((s, i) => {
      const kind = s.kind ?? 'bar';
      const color = s.color ?? palette[i % palette.length];
      const n = kind === 'bar' ? bars++ : lines++;
      return {
        ...s,
        kind,
        color,
        overlay: kind === 'bar' ? overlays[n % overlays.length] : null,
        dash: kind === 'line' ? dashes[n % dashes.length] : undefined,
        fill: kind === 'bar' && n % overlays.length ? `url(#${idBase}-${i})` : color,
        // A function rather than a string key: keys may contain dots or clash with `day`. A day
        // without a value is 0 for a count, and a gap in a line (not yet recorded, not 0 %).
        value: (d: DailyChartDay): number | null => d.values[s.key] ?? (kind === 'line' ? null : 0),
      };
    });
  }, [series, idBase]);

  const fmt = useMemo(() => {
    const tag = locale === 'ja' ? 'ja-JP' : 'en-GB';
    const number =
      unit === 'percent'
        ? new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 })
        : new Intl.NumberFormat(tag);
    const short = new Intl.DateTimeFormat(tag, {
      month: locale === 'ja' ? 'numeric' : 'short',
      day: 'numeric',
      timeZone: 'UTC',
    });
    // Spelled out for the spoken summary and the tooltip: "2 December", "12月2日".
    const long = new Intl.DateTimeFormat(tag, { month: 'long', day: 'numeric', timeZone: 'UTC' });
    return {
      number: (v: number) => number.format(unit === 'percent' ? v / 100 : v),
      shortDate: (day: string) => short.format(asDate(day)),
      longDate: (day: string) => long.format(asDate(day)),
    };
  }, [locale, unit]);

  // Counts are summed; a running figure (a line, or any percentage) is told as first → last.
  const summable = (s: (typeof styled)[number]) => s.kind === 'bar' && unit === 'count';
  const figures = styled.map((s) =>
    summable(s)
      ? t('total', { label: s.label, value: fmt.number(days.reduce((sum, d) => sum + (s.value(d) ?? 0), 0)) })
      : t('change', {
          label: s.label,
          first: fmt.number(days.map(s.value).find((v) => v !== null) ?? 0),
          last: fmt.number(days.map(s.value).findLast((v) => v !== null) ?? 0),
        }),
  );
  const counted = styled.filter(summable);
  const dayTotal = (d: DailyChartDay) => counted.reduce((sum, s) => sum + (s.value(d) ?? 0), 0);
  const busiest = days.reduce<DailyChartDay | null>(
    (best, d) => (dayTotal(d) > (best ? dayTotal(best) : 0) ? d : best),
    null,
  );
  const summaryArgs = {
    title,
    period: t('period', { count: days.length }),
    figures: figures.join(t('separator')),
  };
  const summary = busiest
    ? t('summaryBusiest', {
        ...summaryArgs,
        date: fmt.longDate(busiest.day),
        value: fmt.number(dayTotal(busiest)),
      })
    : t('summary', summaryArgs);
  const totalColumn = counted.length > 1;

  return (
    <div className="min-w-0 space-y-2">
      {/* Shared by the bars and the legend's swatches; a zero-size SVG, since patterns inside
          display:none are not painted by every browser. */}
      <svg aria-hidden width={0} height={0} className="absolute">
        <defs>
          {styled.map(
            (s, i) =>
              s.overlay && (
                <pattern key={s.key} id={`${idBase}-${i}`} width={6} height={6} patternUnits="userSpaceOnUse">
                  <rect width={6} height={6} fill={s.color} />
                  {s.overlay}
                </pattern>
              ),
          )}
        </defs>
      </svg>

      {/* role="img" makes the chart one image with one name; its parts are hidden from screen
          readers, which read the summary and can open the table below. */}
      <div role="img" aria-label={summary}>
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700">
          {styled.map((s) => (
            <li key={s.key} className="flex items-center gap-1.5">
              <svg width={16} height={12} aria-hidden className="shrink-0">
                {s.kind === 'bar' ? (
                  <rect width={16} height={12} fill={s.fill} />
                ) : (
                  <path d="M0,6 H16" stroke={s.color} strokeWidth={2} strokeDasharray={s.dash} />
                )}
              </svg>
              {s.label}
            </li>
          ))}
        </ul>
        {/* The same height before and after mounting, so nothing below moves; clipped, so a chart
            still at its old width just after the window narrows never widens the page. */}
        <div style={{ height }} className="overflow-hidden">
          {mounted && (
            <ResponsiveContainer width="100%" height={height}>
              <ComposedChart
                data={days}
                margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
                // Its keyboard layer would put a tab stop inside role="img"; the table serves
                // keyboard and screen reader users instead.
                accessibilityLayer={false}
              >
                <CartesianGrid vertical={false} stroke="#e2e8f0" />
                <XAxis
                  dataKey="day"
                  tickFormatter={fmt.shortDate}
                  // Evenly spaced ticks, as many as fit, always the latest day (the right margin leaves
                  // room for its label): fewer on a phone.
                  interval="equidistantPreserveEnd"
                  minTickGap={8}
                  tick={{ fill: '#475569', fontSize: 12 }}
                  tickLine={false}
                  axisLine={{ stroke: '#64748b' }}
                />
                <YAxis
                  width="auto"
                  allowDecimals={false}
                  domain={unit === 'percent' ? [0, 100] : [0, 'auto']}
                  tickFormatter={fmt.number}
                  tick={{ fill: '#475569', fontSize: 12 }}
                  tickLine={false}
                  axisLine={false}
                />
                <Tooltip
                  cursor={{ fill: '#f1f5f9' }}
                  // A pattern's url() is no text colour; every row reads in the body's colour.
                  itemStyle={{ color: '#0f172a' }}
                  labelFormatter={(day) => fmt.longDate(String(day))}
                  formatter={(v) => fmt.number(Number(v))}
                />
                {styled.map((s) =>
                  s.kind === 'bar' ? (
                    <Bar
                      key={s.key}
                      dataKey={s.value}
                      name={s.label}
                      stackId="days"
                      fill={s.fill}
                      // White gaps keep stacked segments apart whatever their colours.
                      stroke="#fff"
                      strokeWidth={1}
                      isAnimationActive={false}
                    />
                  ) : (
                    <Line
                      key={s.key}
                      dataKey={s.value}
                      name={s.label}
                      type="monotone"
                      stroke={s.color}
                      strokeWidth={2}
                      strokeDasharray={s.dash}
                      // A lone day between gaps is a point, not nothing.
                      dot={{ r: 2, fill: s.color, strokeWidth: 0 }}
                      isAnimationActive={false}
                    />
                  ),
                )}
              </ComposedChart>
            </ResponsiveContainer>
          )}
        </div>
      </div>

      <details>
        <summary className="cursor-pointer text-sm text-brand-600 underline-offset-2 hover:underline">
          {t('showTable')}
        </summary>
        <table className="mt-2 w-full text-sm tabular-nums">
          <caption className="sr-only">{t('caption', { title })}</caption>
          <thead>
            <tr className="border-b border-slate-300 text-slate-600">
              <th scope="col" className="py-1 pr-2 text-left font-medium">
                {t('date')}
              </th>
              {styled.map((s) => (
                <th key={s.key} scope="col" className="px-2 py-1 text-right font-medium">
                  {s.label}
                </th>
              ))}
              {totalColumn && (
                <th scope="col" className="py-1 pl-2 text-right font-medium">
                  {t('dayTotal')}
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day} className="border-b border-slate-100">
                <th scope="row" className="py-1 pr-2 text-left font-normal whitespace-nowrap">
                  <time dateTime={d.day}>{fmt.shortDate(d.day)}</time>
                </th>
                {styled.map((s) => (
                  <td key={s.key} className="px-2 py-1 text-right">
                    {s.value(d) === null ? '—' : fmt.number(s.value(d)!)}
                  </td>
                ))}
                {totalColumn && <td className="py-1 pl-2 text-right">{fmt.number(dayTotal(d))}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
