import { getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { CreateTenantForm } from './create-tenant-form';

export default async function NewTenantPage() {
  await requireAccess('app/platform/tenants/new/page.tsx');
  const t = await getTranslations('admin');
  return (
    <div className="max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">{t('newTenant')}</h1>
      <CreateTenantForm />
    </div>
  );
}
