import { getTranslations } from 'next-intl/server';
import { rolesFor } from '@/app/components/roles';
import { notFound } from 'next/navigation';
import { requireAccess } from '@/lib/auth/guard';
import { getTenantOverview } from '@/lib/tenancy/get-tenant-overview';
import { CreateOperatorForm } from '../../forms';
import { Breadcrumbs } from '@/app/components/breadcrumbs';
import { companyTrail } from '@/app/components/company-trail';

export default async function NewOperatorPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/operators/new/page.tsx', { tenantId });
  const [t, overview] = await Promise.all([getTranslations(), getTenantOverview(ctx)]);
  if (!overview) notFound();
  return (
    <div className="max-w-md space-y-4">
      <Breadcrumbs trail={[...companyTrail(ctx, overview.tenant, t), { label: t('admin.newOperator') }]} />
      <h1 className="text-2xl font-semibold">{t('admin.newOperator')}</h1>
      <p className="text-sm text-slate-600">{t('admin.newOperatorHelp')}</p>
      <CreateOperatorForm
        tenantId={tenantId}
        loginIdPrefix={`${overview.tenant.code}.`}
        roles={rolesFor(tenantId).map((r) => ({ value: r, label: t(`roles.${r}`) }))}
      />
    </div>
  );
}
