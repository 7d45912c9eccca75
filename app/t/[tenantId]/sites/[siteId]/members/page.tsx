import { Breadcrumbs } from '@/app/components/breadcrumbs';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { listMembers, listMembersQuery } from '@/lib/ec/list-members';
import { isAppError } from '@/lib/http/app-error';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { RevealMemberForm } from './forms';

export default async function MembersPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string; siteId: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { tenantId, siteId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/sites/[siteId]/members/page.tsx', { tenantId });
  const query = listMembersQuery.parse(await searchParams);
  const list = await listMembers(ctx, siteId, query).catch((e: unknown) => {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  });
  const [t, locale] = await Promise.all([getTranslations(), getLocale() as Promise<Locale>]);
  const base = `/t/${tenantId}/sites/${siteId}/members`;
  return (
    <div className="space-y-4">
      <Breadcrumbs trail={[{ label: list.site.name, href: `/t/${tenantId}` }, { label: t('members.title') }]} />
      <div>
        <h1 className="text-2xl font-semibold" data-testid="members-title">
          {t('members.title')} <span className="text-base font-normal text-slate-500">{list.site.name}</span>
        </h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600" data-testid="pii-note">
          {t('members.intro')}
        </p>
      </div>
      {list.alerted && (
        <p
          role="alert"
          className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800"
          data-testid="bulk-view-alert"
        >
          {t('members.bulkAlert')}
        </p>
      )}
      <form className="flex flex-wrap gap-2" role="search">
        <input
          name="q"
          defaultValue={query.q ?? ''}
          placeholder={t('members.search')}
          aria-label={t('members.search')}
          className="rounded border border-slate-300 px-2 py-1 text-sm"
        />
        <button className="rounded border border-slate-300 px-3 py-1 text-sm">{t('members.searchButton')}</button>
      </form>
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">{t('members.memberNo')}</th>
              <th className="px-3 py-2">{t('members.name')}</th>
              <th className="px-3 py-2">{t('members.email')}</th>
              <th className="px-3 py-2">{t('members.phone')}</th>
              <th className="px-3 py-2">{t('members.registeredAt')}</th>
              <th className="px-3 py-2" />
            </tr>
          </thead>
          <tbody>
            {list.rows.map((m) => (
              <tr key={m.id} className="border-t border-slate-100 align-top" data-testid="member-row">
                <td className="px-3 py-2 font-mono" data-testid="member-no">
                  {m.memberNo}
                </td>
                <td className="px-3 py-2">{m.name}</td>
                <td className="px-3 py-2 font-mono" data-testid="masked-email">
                  {m.email}
                </td>
                <td className="px-3 py-2 font-mono" data-testid="masked-phone">
                  {m.phone ?? '—'}
                </td>
                <td className="whitespace-nowrap px-3 py-2">{formatJst(m.registeredAt, locale)}</td>
                <td className="px-3 py-2">
                  <RevealMemberForm tenantId={tenantId} memberId={m.id} />
                </td>
              </tr>
            ))}
            {list.rows.length === 0 && (
              <tr>
                <td colSpan={6} className="px-3 py-4 text-center text-slate-500">
                  {t('members.none')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {/* Not prefetched: rendering a page is a recorded view of its records. */}
      {list.next && (
        <Link
          prefetch={false}
          className="inline-block text-sm text-brand-600"
          data-testid="next-page"
          href={`${base}?${new URLSearchParams({ ...(query.q ? { q: query.q } : {}), after: list.next })}`}
        >
          {t('members.nextPage')}
        </Link>
      )}
    </div>
  );
}
