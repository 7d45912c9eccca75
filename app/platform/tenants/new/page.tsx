import { getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { CreateTenantForm } from './create-tenant-form';
import { Breadcrumbs } from '@/app/components/breadcrumbs';

export default async function NewTenantPage() {
  await requireAccess('app/platform/tenants/new/page.tsx');
  const t = await getTranslations();
  return (
    <div className="max-w-md space-y-4">
      <Breadcrumbs trail={[{ label: t('nav.tenants'), href: '/platform/tenants' }, { label: t('admin.newTenant') }]} />
      <h1 className="text-2xl font-semibold">{t('admin.newTenant')}</h1>
      <CreateTenantForm />
    </div>
  );
}
