import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { requirePlatform } from '@/lib/auth/guard';
import { listTenants } from '@/lib/tenancy/list-tenants';

export default async function TenantsPage() {
  const ctx = await requirePlatform('tenants.list');
  const [t, rows] = await Promise.all([getTranslations(), listTenants(ctx)]);
  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">{t('tenants.title')}</h1>
        <span className="text-sm text-slate-500">{t('tenants.count', { count: rows.length })}</span>
      </div>
      <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
        <thead className="bg-slate-100 text-left">
          <tr>
            <th className="px-3 py-2">{t('tenants.name')}</th>
            <th className="px-3 py-2">{t('tenants.code')}</th>
            <th className="px-3 py-2 text-right">{t('tenants.sites')}</th>
            <th className="px-3 py-2 text-right">{t('tenants.operators')}</th>
            <th className="px-3 py-2">{t('tenants.status')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-t border-slate-100" data-testid="tenant-row">
              <td className="px-3 py-2">
                <Link className="text-brand-600 hover:underline" href={`/t/${r.id}`}>{r.name}</Link>
              </td>
              <td className="px-3 py-2 font-mono">{r.code}</td>
              <td className="px-3 py-2 text-right">{r.siteCount}</td>
              <td className="px-3 py-2 text-right">{r.operatorCount}</td>
              <td className="px-3 py-2">{t(`status.${r.status}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
