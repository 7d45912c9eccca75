import { getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { ChangePasswordForm } from './change-password-form';

export default async function ChangePasswordPage() {
  const ctx = await requireAccess('app/account/password/page.tsx');
  const t = await getTranslations('password');
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      {ctx.mustChangePassword && (
        <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="must-change">
          {t('mustChange')}
        </p>
      )}
      <ChangePasswordForm />
    </div>
  );
}
