import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { requireTenant } from '@/lib/auth/guard';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { getTenantOverview } from '@/lib/tenancy/get-tenant-overview';

export default async function TenantPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const ctx = await requireTenant(tenantId, 'tenant.read');
  const overview = await getTenantOverview(ctx, tenantId);
  if (!overview) notFound();
  const [t, locale] = await Promise.all([getTranslations(), getLocale() as Promise<Locale>]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold" data-testid="tenant-title">{overview.tenant.name}</h1>
      <section>
        <h2 className="mb-2 text-lg font-medium">{t('tenant.sites')}</h2>
        <ul className="grid gap-2 sm:grid-cols-2">
          {overview.sites.map((s) => (
            <li key={s.id} className="rounded border border-slate-200 bg-white p-3 text-sm">
              <div className="font-medium">{s.name}</div>
              <div className="text-slate-500">{s.domain} · {t(`status.${s.status}`)}</div>
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2 className="mb-2 text-lg font-medium">{t('tenant.operators')}</h2>
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">{t('tenant.loginId')}</th>
              <th className="px-3 py-2">{t('tenant.name')}</th>
              <th className="px-3 py-2">{t('tenant.role')}</th>
              <th className="px-3 py-2">{t('tenant.status')}</th>
              <th className="px-3 py-2">{t('tenant.lastLogin')}</th>
            </tr>
          </thead>
          <tbody>
            {overview.operators.map((o) => (
              <tr key={o.id} className="border-t border-slate-100">
                <td className="px-3 py-2 font-mono">{o.loginId}</td>
                <td className="px-3 py-2">{o.displayName}</td>
                <td className="px-3 py-2">{t(`roles.${o.role}`)}</td>
                <td className="px-3 py-2">{t(`status.${o.status}`)}</td>
                <td className="px-3 py-2">
                  {formatJst(o.lastLoginAt, locale)} {o.lastLoginIp && <span className="font-mono text-slate-500">{o.lastLoginIp}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
