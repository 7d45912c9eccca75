import { getTranslations } from 'next-intl/server';
import { safeReturnPath } from '@/lib/http/return-path';
import { VerifyForm } from './verify-form';

export default async function VerifyPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const next = safeReturnPath((await searchParams).next);
  const t = await getTranslations('mfa');
  return (
    <div className="mx-auto mt-12 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-2 text-xl font-semibold">{t('verifyTitle')}</h1>
      <p className="mb-6 text-sm text-slate-600">{t('verifyHelp')}</p>
      <VerifyForm next={next} />
    </div>
  );
}
