import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { onPlatform, requireAccess } from '@/lib/auth/guard';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { enrollmentShares } from '@/lib/mfa/manage-mfa';
import { listTenants, listTenantsQuery, type ListTenantsQuery } from '@/lib/tenancy/list-tenants';

const COLUMNS = [
  ['name', 'tenants.name'],
  ['code', 'tenants.code'],
  ['sites', 'tenants.sites'],
  ['operators', 'tenants.operators'],
  ['status', 'tenants.status'],
  ['activity', 'tenants.lastActivity'],
] as const;

export default async function TenantsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const ctx = await requireAccess('app/platform/tenants/page.tsx');
  const query = listTenantsQuery.parse(await searchParams);
  const [t, locale, { rows, next }, shares] = await Promise.all([
    getTranslations(),
    getLocale() as Promise<Locale>,
    listTenants(ctx, query),
    enrollmentShares(ctx),
  ]);
  const share = (id: string) => {
    const s = shares.get(id);
    return s && s.active > 0 ? `${Math.round((s.enrolled / s.active) * 100)}%` : '—';
  };
  const href = (q: Partial<ListTenantsQuery>) => {
    const merged = { ...query, after: undefined, ...q };
    const params = new URLSearchParams(Object.entries(merged).filter(([, v]) => v) as [string, string][]);
    return `/platform/tenants?${params}`;
  };
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t('tenants.title')}</h1>
        <form className="ml-auto flex gap-2" role="search">
          <input type="hidden" name="sort" value={query.sort} />
          <input type="hidden" name="dir" value={query.dir} />
          <input
            name="q"
            defaultValue={query.q ?? ''}
            placeholder={t('tenants.search')}
            aria-label={t('tenants.search')}
            className="rounded border border-slate-300 px-2 py-1 text-sm"
          />
          <button className="rounded border border-slate-300 px-3 py-1 text-sm">{t('admin.search')}</button>
        </form>
        {onPlatform(ctx, 'tenants.write') && (
          <Link href="/platform/tenants/new" className="rounded bg-brand-600 px-3 py-1 text-sm text-white">
            {t('admin.newTenant')}
          </Link>
        )}
      </div>
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              {COLUMNS.map(([key, label]) => (
                <th
                  key={key}
                  className="px-3 py-2"
                  aria-sort={query.sort === key ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  <Link href={href({ sort: key, dir: query.sort === key && query.dir === 'asc' ? 'desc' : 'asc' })}>
                    {t(label)} {query.sort === key ? (query.dir === 'asc' ? '▲' : '▼') : ''}
                  </Link>
                </th>
              ))}
              <th className="px-3 py-2 text-right">{t('tenants.totpShare')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-slate-100" data-testid="tenant-row">
                <td className="px-3 py-2">
                  <Link className="text-brand-600 hover:underline" href={`/t/${r.id}`}>
                    {r.name}
                  </Link>
                </td>
                <td className="px-3 py-2 font-mono">{r.code}</td>
                <td className="px-3 py-2 text-right">{r.siteCount}</td>
                <td className="px-3 py-2 text-right">{r.operatorCount}</td>
                <td className="px-3 py-2">{t(`status.${r.status}`)}</td>
                <td className="px-3 py-2">{formatJst(r.lastActivityAt, locale)}</td>
                <td className="px-3 py-2 text-right" data-testid="totp-share">
                  {share(r.id)}
                </td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={COLUMNS.length + 1} className="px-3 py-4 text-center text-slate-500">
                  {query.q ? (
                    <>
                      {t('tenants.noMatch', { q: query.q })}{' '}
                      <Link className="text-brand-600 underline" href={href({ q: undefined })}>
                        {t('admin.clearSearch')}
                      </Link>
                    </>
                  ) : (
                    <>
                      {t('tenants.none')}{' '}
                      {onPlatform(ctx, 'tenants.write') && (
                        <Link className="text-brand-600 underline" href="/platform/tenants/new">
                          {t('admin.newTenant')}
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
      {next && (
        <Link className="inline-block text-sm text-brand-600" href={`${href({})}&after=${next}`}>
          {t('admin.nextPage')}
        </Link>
      )}
    </div>
  );
}
