import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { alsoOn, onPlatform, requireAccess } from '@/lib/auth/guard';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { listRotationCampaigns } from '@/lib/passwords/rotation-progress';
import { listTenants } from '@/lib/tenancy/list-tenants';
import { StartCampaignForm } from './forms';

export default async function RotationPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/rotation/page.tsx', { tenantId });
  const platform = tenantId === PLATFORM_TENANT_ID;
  const canStart = alsoOn(ctx, 'security.write') !== null;
  const [t, locale, campaigns] = await Promise.all([
    getTranslations('rotation'),
    getLocale() as Promise<Locale>,
    listRotationCampaigns(ctx),
  ]);
  // The chooser lists tenants by name; a platform-wide campaign usually takes them all.
  const lister = platform && canStart ? onPlatform(ctx, 'tenants.list') : null;
  const tenants = lister ? (await listTenants(lister, { sort: 'name', dir: 'asc' }, 10_000)).rows : undefined;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{platform ? t('platformTitle') : t('title')}</h1>
      <p className="max-w-3xl text-sm text-slate-600">{t('intro')}</p>
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">{t('reason')}</th>
              <th className="px-3 py-2">{t('startedAt')}</th>
              <th className="px-3 py-2">{t('deadline')}</th>
              <th className="px-3 py-2 text-right">{t('operators')}</th>
              <th className="px-3 py-2">{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.map((c) => (
              <tr key={c.id} className="border-t border-slate-100" data-testid="campaign-row">
                <td className="px-3 py-2">
                  <Link className="text-brand-600 hover:underline" href={`/t/${tenantId}/rotation/${c.id}`}>
                    {c.reason}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  {formatJst(c.startedAt, locale)} · {c.startedByLoginId}
                </td>
                <td className="px-3 py-2">{formatJst(c.deadline, locale)}</td>
                <td className="px-3 py-2 text-right">{c.targetCount}</td>
                <td className="px-3 py-2">{t(`campaignStatus.${c.status}`)}</td>
              </tr>
            ))}
            {campaigns.length === 0 && (
              <tr>
                <td colSpan={5} className="px-3 py-4 text-center text-slate-500">
                  {t('none')} {canStart && t('startBelow')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {canStart && (
        <section className="max-w-xl rounded-lg border border-red-200 bg-white p-4">
          <h2 className="mb-2 font-medium">{t('startTitle')}</h2>
          <p className="mb-3 text-sm text-slate-600">{t('startHelp')}</p>
          <StartCampaignForm tenantId={tenantId} tenants={tenants} />
        </section>
      )}
    </div>
  );
}
