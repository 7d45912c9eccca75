import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { alsoOn, requireAccess } from '@/lib/auth/guard';
import { getIpAllowlist } from '@/lib/allowlists/get-ip-allowlist';
import { getOperator } from '@/lib/tenancy/list-operators';
import { uuidSchema } from '@/lib/http/input-schemas';
import { notFound } from 'next/navigation';
import { AllowlistEditor, ModeForm } from './forms';
import { listAddressBlocks } from '@/lib/allowlists/list-address-blocks';
import { AddressBlocks } from './address-blocks';

export default async function IpAllowlistPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const { tenantId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/ip-allowlist/page.tsx', { tenantId });
  const operatorParam = (await searchParams).operator;
  let operatorId: string | null = null;
  let operatorLogin: string | null = null;
  if (operatorParam !== undefined) {
    const parsed = uuidSchema.safeParse(operatorParam);
    const reader = alsoOn(ctx, 'operators.read');
    const op = parsed.success && reader ? await getOperator(reader, parsed.data) : null;
    if (!op) notFound();
    operatorId = op.id;
    operatorLogin = op.loginId;
  }
  const [t, list, blocks] = await Promise.all([
    getTranslations('ipAllowlist'),
    getIpAllowlist(ctx, operatorId),
    operatorId ? null : listAddressBlocks(ctx),
  ]);
  const initial = list.entries.map((e) => (e.label ? `${e.cidr} ${e.label}` : e.cidr)).join('\n');
  return (
    <div className="space-y-6">
      <Link
        href={operatorId ? `/t/${tenantId}/operators/${operatorId}` : `/t/${tenantId}`}
        className="text-sm text-brand-600"
      >
        ← {t('back')}
      </Link>
      <div>
        <h1 className="text-2xl font-semibold">
          {operatorLogin ? t('operatorTitle', { loginId: operatorLogin }) : t('title')}
        </h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">{operatorId ? t('operatorIntro') : t('intro')}</p>
      </div>
      <section className="flex flex-wrap items-center gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <div data-testid="current-ip">
          {t('yourIp')}: <span className="font-mono">{ctx.ip}</span>
        </div>
        <div data-testid="mode">
          {t('modeLabel')}: <strong>{t(`mode.${list.mode}`)}</strong>
        </div>
        <div data-testid="monitored">{t('monitoredLast7Days', { count: list.monitoredLast7Days })}</div>
        <div className="ml-auto">
          <ModeForm tenantId={tenantId} operatorId={operatorId} mode={list.mode} />
        </div>
      </section>
      <AllowlistEditor
        tenantId={tenantId}
        operatorId={operatorId}
        initial={initial}
        etag={list.etag}
        currentIp={ctx.ip}
      />
      {blocks && <AddressBlocks tenantId={tenantId} blocks={blocks} />}
    </div>
  );
}
