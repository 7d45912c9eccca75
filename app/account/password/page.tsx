import { getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { safeReturnPath } from '@/lib/http/return-path';
import { ChangePasswordForm } from './change-password-form';

export default async function ChangePasswordPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireAccess('app/account/password/page.tsx');
  const query = await searchParams;
  const next = safeReturnPath(query.next);
  const t = await getTranslations('password');
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">{t('title')}</h1>
      {ctx.mustChangePassword && (
        <p className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="must-change">
          {/* The starter of a campaign that includes them is told the campaign did start. */}
          {query.rotation === '1' ? t('ownRotation') : t('mustChange')}
        </p>
      )}
      <ChangePasswordForm next={next && next !== '/account/password' ? next : null} />
    </div>
  );
}
