import { getTranslations } from 'next-intl/server';
import { requireTenant } from '@/lib/auth/guard';
import { getPasswordSettings } from '@/lib/passwords/update-password-settings';
import { PasswordSettingsForm } from './password-settings-form';

export default async function SecurityPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const ctx = await requireTenant(tenantId, 'security.write');
  const [t, settings] = await Promise.all([getTranslations('security'), getPasswordSettings(ctx, tenantId)]);
  return (
    <div className="max-w-lg space-y-4">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <p className="text-sm text-slate-600">{t('intro')}</p>
      <PasswordSettingsForm tenantId={tenantId} minLength={settings.minLength} maxAgeDays={settings.maxAgeDays} />
    </div>
  );
}
