import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { alsoOn, requireAccess } from '@/lib/auth/guard';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { getRotationProgress, listRotationTargets } from '@/lib/passwords/rotation-progress';
import { uuidSchema } from '@/lib/http/input-schemas';
import { AutoRefresh, CancelForm, ExtendForm } from '../forms';
import { Breadcrumbs } from '@/app/components/breadcrumbs';

export default async function CampaignPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string; campaignId: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { tenantId, campaignId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/rotation/[campaignId]/page.tsx', { tenantId });
  if (!uuidSchema.safeParse(campaignId).success) notFound();
  const progress = await getRotationProgress(ctx, campaignId);
  if (!progress) notFound();
  const query = await searchParams;
  const focus = uuidSchema.safeParse(query.tenant);
  const started = query.started === '1';
  const platform = tenantId === PLATFORM_TENANT_ID;
  const focusTenant = platform ? (focus.success ? focus.data : undefined) : tenantId;
  const [t, locale, operators] = await Promise.all([
    getTranslations('rotation'),
    getLocale() as Promise<Locale>,
    focusTenant ? listRotationTargets(ctx, campaignId, focusTenant) : Promise.resolve(null),
  ]);
  const { campaign, totals } = progress;
  const pct = (a: number, b: number) => (b === 0 ? 100 : Math.round((a / b) * 100));
  const active = campaign.status === 'active';
  return (
    <div className="space-y-6">
      {active && <AutoRefresh seconds={5} />}
      <Breadcrumbs
        trail={[
          { label: platform ? t('platformTitle') : t('title'), href: `/t/${tenantId}/rotation` },
          { label: campaign.reason },
        ]}
      />
      {started && (
        <p
          role="status"
          className="rounded border border-green-300 bg-green-50 p-3 text-sm text-green-900"
          data-testid="campaign-started"
        >
          {t('startedNotice', { count: totals.total, deadline: formatJst(campaign.deadline, locale) })}
        </p>
      )}
      <div>
        <h1 className="text-2xl font-semibold">{campaign.reason}</h1>
        <p className="text-sm text-slate-600">
          {t('startedBy', { who: campaign.startedByLoginId })} {formatJst(campaign.startedAt, locale)} · {t('deadline')}{' '}
          {formatJst(campaign.deadline, locale)} · {t(`campaignStatus.${campaign.status}`)}
        </p>
      </div>
      <section className="grid gap-3 sm:grid-cols-5" data-testid="totals">
        {(
          [
            ['total', totals.total],
            ['rotated', totals.rotated],
            ['pending', totals.pending],
            ['notLoggedInSince', totals.notLoggedInSince],
            ['locked', totals.locked],
          ] as const
        ).map(([key, value]) => (
          <div key={key} className="rounded-lg border border-slate-200 bg-white p-3" data-testid={`count-${key}`}>
            <div className="text-xs text-slate-500">{t(`counts.${key}`)}</div>
            <div className="text-2xl font-semibold">{value}</div>
          </div>
        ))}
      </section>
      <div
        className="h-3 w-full overflow-hidden rounded bg-slate-200"
        role="progressbar"
        aria-valuenow={pct(totals.rotated, totals.total)}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div className="h-3 bg-green-600" style={{ width: `${pct(totals.rotated, totals.total)}%` }} />
      </div>
      <a
        className="inline-block text-sm text-brand-600"
        href={`/api/v1/tenants/${tenantId}/rotation-campaigns/${campaignId}/report`}
      >
        {t('downloadCsv')}
      </a>
      {platform && (
        <div className="overflow-x-auto" tabIndex={0}>
          <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
            <thead className="bg-slate-100 text-left">
              <tr>
                <th className="px-3 py-2">{t('tenant')}</th>
                <th className="px-3 py-2 text-right">{t('counts.rotated')}</th>
                <th className="px-3 py-2 text-right">{t('counts.pending')}</th>
                <th className="px-3 py-2 text-right">{t('counts.notLoggedInSince')}</th>
                <th className="px-3 py-2 text-right">{t('counts.locked')}</th>
                <th className="px-3 py-2 text-right">%</th>
              </tr>
            </thead>
            <tbody>
              {progress.tenants.map((r) => (
                <tr key={r.tenantId} className="border-t border-slate-100" data-testid="tenant-progress">
                  <td className="px-3 py-2">
                    <Link className="text-brand-600 hover:underline" href={`?tenant=${r.tenantId}`}>
                      {r.tenantName}
                    </Link>
                  </td>
                  <td className="px-3 py-2 text-right">{r.rotated}</td>
                  <td className="px-3 py-2 text-right">{r.pending}</td>
                  <td className="px-3 py-2 text-right">{r.notLoggedInSince}</td>
                  <td className="px-3 py-2 text-right">{r.locked}</td>
                  <td className="px-3 py-2 text-right">{pct(r.rotated, r.total)}</td>
                </tr>
              ))}
              {progress.tenants.length === 0 && (
                <tr>
                  <td colSpan={6} className="px-3 py-4 text-center text-slate-500">
                    {t('noTenants')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {operators && (
        <div className="overflow-x-auto" tabIndex={0}>
          <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
            <thead className="bg-slate-100 text-left">
              <tr>
                <th className="px-3 py-2">{t('loginId')}</th>
                <th className="px-3 py-2">{t('name')}</th>
                <th className="px-3 py-2">{t('status')}</th>
                <th className="px-3 py-2">{t('rotatedAt')}</th>
                <th className="px-3 py-2">{t('lastLogin')}</th>
              </tr>
            </thead>
            <tbody>
              {operators.map((o) => (
                <tr key={o.loginId} className="border-t border-slate-100" data-testid="operator-progress">
                  <td className="px-3 py-2 font-mono">{o.loginId}</td>
                  <td className="px-3 py-2">{o.displayName}</td>
                  <td className="px-3 py-2">{t(`targetStatus.${o.status}`)}</td>
                  <td className="px-3 py-2">{formatJst(o.rotatedAt, locale)}</td>
                  <td className="px-3 py-2">{formatJst(o.lastLoginAt, locale)}</td>
                </tr>
              ))}
              {operators.length === 0 && (
                <tr>
                  <td colSpan={5} className="px-3 py-4 text-center text-slate-500">
                    {t('noOperators')}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {active && alsoOn(ctx, 'security.write') && (
        <section className="grid max-w-2xl gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2">
          <ExtendForm tenantId={tenantId} campaignId={campaignId} />
          <CancelForm tenantId={tenantId} campaignId={campaignId} pending={totals.pending} />
        </section>
      )}
    </div>
  );
}
