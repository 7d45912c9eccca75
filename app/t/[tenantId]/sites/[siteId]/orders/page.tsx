import { Breadcrumbs } from '@/app/components/breadcrumbs';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { ORDER_STATUSES } from '@/db/schema';
import { requireAccess } from '@/lib/auth/guard';
import { listOrders, listOrdersQuery } from '@/lib/ec/list-orders';
import { isAppError } from '@/lib/http/app-error';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { RevealOrderForm } from './forms';

export default async function OrdersPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string; siteId: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { tenantId, siteId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/sites/[siteId]/orders/page.tsx', { tenantId });
  const query = listOrdersQuery.parse(await searchParams);
  const list = await listOrders(ctx, siteId, query).catch((e: unknown) => {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  });
  const [t, locale] = await Promise.all([getTranslations(), getLocale() as Promise<Locale>]);
  const base = `/t/${tenantId}/sites/${siteId}/orders`;
  const filters = { ...(query.q ? { q: query.q } : {}), ...(query.status ? { status: query.status } : {}) };
  return (
    <div className="space-y-4">
      <Breadcrumbs trail={[{ label: list.site.name, href: `/t/${tenantId}` }, { label: t('orders.title') }]} />
      <div>
        <h1 className="text-2xl font-semibold" data-testid="orders-title">
          {t('orders.title')} <span className="text-base font-normal text-slate-500">{list.site.name}</span>
        </h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600" data-testid="pii-note">
          {t('orders.intro')}
        </p>
      </div>
      {list.alerted && (
        <p
          role="alert"
          className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800"
          data-testid="bulk-view-alert"
        >
          {t('orders.bulkAlert')}
        </p>
      )}
      <form className="flex flex-wrap gap-2" role="search">
        <input
          name="q"
          defaultValue={query.q ?? ''}
          placeholder={t('orders.search')}
          aria-label={t('orders.search')}
          className="rounded border border-slate-300 px-2 py-1 text-sm"
        />
        <select
          name="status"
          defaultValue={query.status ?? ''}
          aria-label={t('orders.statusLabel')}
          className="rounded border border-slate-300 px-2 py-1 text-sm"
        >
          <option value="">{t('orders.anyStatus')}</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`orders.status.${s}`)}
            </option>
          ))}
        </select>
        <button className="rounded border border-slate-300 px-3 py-1 text-sm">{t('orders.searchButton')}</button>
      </form>
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">{t('orders.orderNo')}</th>
              <th className="px-3 py-2">{t('orders.orderedAt')}</th>
              <th className="px-3 py-2">{t('orders.statusLabel')}</th>
              <th className="px-3 py-2">{t('orders.customer')}</th>
              <th className="px-3 py-2">{t('orders.email')}</th>
              <th className="px-3 py-2">{t('orders.phone')}</th>
              <th className="px-3 py-2 text-right">{t('orders.amount')}</th>
              <th className="px-3 py-2">{t('orders.tracking')}</th>
              <th className="px-3 py-2" />
            </tr>
          </thead>
          <tbody>
            {list.rows.map((o) => (
              <tr key={o.id} className="border-t border-slate-100 align-top" data-testid="order-row">
                <td className="px-3 py-2 font-mono" data-testid="order-no">
                  {o.orderNo}
                </td>
                <td className="whitespace-nowrap px-3 py-2">{formatJst(o.orderedAt, locale)}</td>
                <td className="px-3 py-2">{t(`orders.status.${o.status}`)}</td>
                <td className="px-3 py-2">{o.customerName}</td>
                <td className="px-3 py-2 font-mono" data-testid="masked-email">
                  {o.customerEmail}
                </td>
                <td className="px-3 py-2 font-mono" data-testid="masked-phone">
                  {o.customerPhone}
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-right">
                  {t('orders.amountValue', { amount: o.amount })}
                </td>
                <td className="px-3 py-2">{o.hasTracking ? t('orders.hasTracking') : t('orders.noTracking')}</td>
                <td className="px-3 py-2">
                  <RevealOrderForm tenantId={tenantId} orderId={o.id} />
                </td>
              </tr>
            ))}
            {list.rows.length === 0 && (
              <tr>
                <td colSpan={9} className="px-3 py-4 text-center text-slate-500">
                  {t('orders.none')}
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
          href={`${base}?${new URLSearchParams({ ...filters, after: list.next })}`}
        >
          {t('orders.nextPage')}
        </Link>
      )}
    </div>
  );
}
