import { getTranslations } from 'next-intl/server';
import { requireTenant } from '@/lib/auth/guard';
import { getLocale } from 'next-intl/server';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { getTotpPolicy } from '@/lib/mfa/manage-mfa';
import { getPasswordSettings } from '@/lib/passwords/update-password-settings';
import { PasswordSettingsForm, TotpPolicyForm } from './password-settings-form';

export default async function SecurityPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const ctx = await requireTenant(tenantId, 'security.write');
  const [t, settings, totp, locale] = await Promise.all([getTranslations('security'), getPasswordSettings(ctx, tenantId), getTotpPolicy(ctx, tenantId), getLocale() as Promise<Locale>]);
  return (
    <div className="max-w-lg space-y-4">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      <p className="text-sm text-slate-600">{t('intro')}</p>
      <PasswordSettingsForm tenantId={tenantId} minLength={settings.minLength} maxAgeDays={settings.maxAgeDays} />
      <h2 className="pt-4 text-lg font-medium">{t('totpTitle')}</h2>
      <TotpPolicyForm tenantId={tenantId} required={totp.required} graceUntil={totp.graceUntil ? formatJst(totp.graceUntil, locale) : null} />
    </div>
  );
}
