import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { rolesFor } from '@/app/components/roles';
import { requireTenant } from '@/lib/auth/guard';
import { CreateOperatorForm } from '../../forms';

export default async function NewOperatorPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  await requireTenant(tenantId, 'operators.write');
  const t = await getTranslations();
  return (
    <div className="max-w-md space-y-4">
      <Link href={`/t/${tenantId}`} className="text-sm text-brand-600">
        ← {t('admin.back')}
      </Link>
      <h1 className="text-2xl font-semibold">{t('admin.newOperator')}</h1>
      <p className="text-sm text-slate-600">{t('admin.newOperatorHelp')}</p>
      <CreateOperatorForm
        tenantId={tenantId}
        roles={rolesFor(tenantId).map((r) => ({ value: r, label: t(`roles.${r}`) }))}
      />
    </div>
  );
}
