import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { ALLOWLIST_POSTURES, WEBHOOK_POSTURES } from '@/db/schema';
import { requireAccess } from '@/lib/auth/guard';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import {
  listPosture,
  listPostureQuery,
  POSTURE_PAGE,
  POSTURE_RANGES,
  type ListPostureQuery,
  type PostureRange,
  type PostureSort,
} from '@/lib/posture/list-posture';
import { POSTURE_REASONS } from '@/lib/posture/posture-score';

const COLUMNS: { sort: PostureSort; numeric?: true }[] = [
  { sort: 'name' },
  { sort: 'score', numeric: true },
  { sort: 'operators', numeric: true },
  { sort: 'totp', numeric: true },
  { sort: 'recovery', numeric: true },
  { sort: 'renewal', numeric: true },
  { sort: 'allowlist' },
  { sort: 'dormant', numeric: true },
  { sort: 'alerts', numeric: true },
  { sort: 'export' },
  { sort: 'tokens', numeric: true },
  { sort: 'webhook' },
];

/** Green, amber or red by band; the number is always written, so colour is never the only cue. */
const scoreTone = (score: number) =>
  score >= 80 ? 'bg-green-100 text-green-900' : score >= 50 ? 'bg-amber-100 text-amber-900' : 'bg-red-100 text-red-900';

/**
 * Every company's security posture for platform staff, from the kept posture rows: search,
 * filter, sort on any column, a page of 50, CSV of the whole filtered set, each company linked.
 */
export default async function PosturePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const ctx = await requireAccess('app/platform/posture/page.tsx');
  const query = listPostureQuery.parse(await searchParams);
  const [t, locale, { rows, total }] = await Promise.all([
    getTranslations('posture'),
    getLocale() as Promise<Locale>,
    listPosture(ctx, query),
  ]);
  const params = (q: Partial<ListPostureQuery>) =>
    new URLSearchParams(
      Object.entries({ ...query, ...q })
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => [k, String(v)]),
    );
  const href = (q: Partial<ListPostureQuery>) => `/platform/posture?${params(q)}`;
  const pages = Math.max(1, Math.ceil(total / POSTURE_PAGE));
  const nf = new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-GB');
  const pct = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.floor((part / whole) * 100)}%`);
  const select = (name: 'allowlist' | 'webhook' | 'reason', options: readonly string[]) => (
    <div className="text-sm">
      <label htmlFor={`posture-${name}`} className="block font-medium text-slate-700">
        {t(`filters.${name}`)}
      </label>
      <select
        id={`posture-${name}`}
        name={name}
        defaultValue={query[name] ?? ''}
        className="mt-1 w-full rounded border border-slate-300 px-2 py-1"
      >
        <option value="">{t('filters.any')}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {t(`${name === 'reason' ? 'reasons' : name}.${o}`)}
          </option>
        ))}
      </select>
    </div>
  );
  // From–to on one column, both bounds inclusive.
  const range = (column: PostureRange) => (
    <fieldset key={column} className="text-sm">
      <legend className="font-medium text-slate-700">{t(`filters.range.${column}`)}</legend>
      <div className="mt-1 flex items-center gap-1">
        {(['Min', 'Max'] as const).map((end) => (
          <input
            key={end}
            name={`${column}${end}`}
            type="number"
            min={0}
            inputMode="numeric"
            placeholder={t(`filters.${end === 'Min' ? 'min' : 'max'}`)}
            aria-label={`${t(`filters.range.${column}`)} ${t(`filters.${end === 'Min' ? 'min' : 'max'}`)}`}
            defaultValue={query[`${column}${end}`] ?? ''}
            className="w-full min-w-0 rounded border border-slate-300 px-2 py-1"
          />
        ))}
      </div>
    </fieldset>
  );
  const ranged = POSTURE_RANGES.some((c) => query[`${c}Min`] !== undefined || query[`${c}Max`] !== undefined);
  const filtered = ranged || [query.q, query.reason, query.allowlist, query.webhook].some((v) => v !== undefined);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <a className="text-sm text-brand-600 hover:underline" href={`/api/v1/posture?${params({ page: undefined })}`}>
          {t('csv')}
        </a>
      </div>
      <p className="max-w-3xl text-sm text-slate-600">{t('intro')}</p>
      <form
        role="search"
        aria-label={t('filters.label')}
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-3 lg:grid-cols-7"
      >
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <div className="text-sm sm:col-span-2">
          <label htmlFor="posture-q" className="block font-medium text-slate-700">
            {t('filters.q')}
          </label>
          <input
            id="posture-q"
            name="q"
            defaultValue={query.q ?? ''}
            className="mt-1 w-full rounded border border-slate-300 px-2 py-1"
          />
        </div>
        {select('reason', POSTURE_REASONS)}
        {select('allowlist', ALLOWLIST_POSTURES)}
        {select('webhook', WEBHOOK_POSTURES)}
        <div className="flex flex-wrap items-end gap-3 sm:col-span-3 lg:col-span-2">
          <button className="rounded bg-brand-600 px-3 py-1.5 text-sm text-white">{t('filters.apply')}</button>
          {filtered && (
            <Link className="py-1.5 text-sm text-brand-600 hover:underline" href="/platform/posture">
              {t('filters.clear')}
            </Link>
          )}
        </div>
        <details className="sm:col-span-3 lg:col-span-7" open={ranged}>
          <summary className="cursor-pointer text-sm font-medium text-brand-600">{t('filters.ranges')}</summary>
          <p className="mt-1 text-xs text-slate-600">{t('filters.rangesHint')}</p>
          <div className="mt-2 grid gap-3 sm:grid-cols-3 lg:grid-cols-5">{POSTURE_RANGES.map(range)}</div>
        </details>
      </form>
      <p className="text-sm text-slate-600" role="status" data-testid="posture-total">
        {t('total', { count: total, page: query.page, pages })}
      </p>
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm" data-testid="posture">
          <thead className="bg-slate-100 text-left">
            <tr>
              {COLUMNS.map((c) => {
                const active = query.sort === c.sort;
                const next = active && query.dir === 'asc' ? 'desc' : 'asc';
                return (
                  <th
                    key={c.sort}
                    scope="col"
                    className={`whitespace-nowrap px-3 py-2 ${c.numeric ? 'text-right' : ''}`}
                    aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    <Link className="hover:underline" href={href({ sort: c.sort, dir: next, page: 1 })}>
                      {t(`columns.${c.sort}`)}
                      {active && <span aria-hidden="true">{query.dir === 'asc' ? ' ▲' : ' ▼'}</span>}
                    </Link>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.tenantId} className="border-t border-slate-100 align-top" data-testid="posture-row">
                <td className="min-w-56 px-3 py-2">
                  <Link className="text-brand-600 hover:underline" href={`/t/${r.tenantId}`}>
                    {r.name}
                  </Link>
                  <span className="block font-mono text-xs text-slate-500">{r.code}</span>
                  {r.reasons.length > 0 && (
                    <p className="mt-1 text-xs text-slate-700">
                      <span className="sr-only">{t('whyBelow')}: </span>
                      {r.reasons.map((k) => t(`reasons.${k}`)).join(' · ')}
                    </p>
                  )}
                </td>
                <td className="px-3 py-2 text-right">
                  <span
                    className={`inline-block rounded px-2 py-0.5 font-semibold tabular-nums ${scoreTone(r.score)}`}
                    data-testid="posture-score"
                  >
                    {r.score}
                  </span>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{nf.format(r.operators)}</td>
                <td className="px-3 py-2 text-right tabular-nums" data-testid="posture-totp">
                  {pct(r.totpEnrolled, r.operators)}
                  <span className="block text-xs text-slate-500">
                    {nf.format(r.totpEnrolled)} / {nf.format(r.operators)}
                  </span>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{pct(r.recoveryCodes, r.totpEnrolled)}</td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {r.renewalSince ? pct(r.passwordsRenewed, r.operators) : '—'}
                  {r.renewalSince && (
                    <span className="block text-xs text-slate-500">
                      {t('since', { at: formatJst(r.renewalSince, locale) })}
                    </span>
                  )}
                </td>
                <td className="px-3 py-2">
                  {t(`allowlist.${r.allowlistMode}`)}
                  <span className="block text-xs text-slate-500">
                    {t('covered', { share: pct(r.allowlistCovered, r.operators) })}
                  </span>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{nf.format(r.dormant)}</td>
                <td
                  className={`px-3 py-2 text-right tabular-nums ${r.openAlerts > 0 ? 'font-semibold text-red-800' : ''}`}
                >
                  {nf.format(r.openAlerts)}
                </td>
                <td className="whitespace-nowrap px-3 py-2">
                  {r.lastExportAt ? formatJst(r.lastExportAt, locale) : '—'}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{nf.format(r.oldTokens)}</td>
                <td className={`px-3 py-2 ${r.webhook === 'failing' ? 'font-semibold text-red-800' : ''}`}>
                  {t(`webhook.${r.webhook}`)}
                </td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={COLUMNS.length} className="px-3 py-4 text-center text-slate-500">
                  {t('none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav aria-label={t('pagination')} className="flex gap-4 text-sm">
          {query.page > 1 && (
            <Link className="text-brand-600 hover:underline" href={href({ page: query.page - 1 })}>
              {t('previous')}
            </Link>
          )}
          {query.page < pages && (
            <Link className="text-brand-600 hover:underline" href={href({ page: query.page + 1 })}>
              {t('next')}
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
