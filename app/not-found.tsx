import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

export default async function NotFound() {
  const t = await getTranslations('errors');
  return (
    <div className="mx-auto mt-12 max-w-lg rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="text-xl font-semibold">{t('notFoundTitle')}</h1>
      <p className="mt-2 text-sm text-slate-700">{t('notFoundBody')}</p>
      <Link href="/" className="mt-4 inline-block text-sm text-brand-600 hover:underline">
        {t('back')}
      </Link>
    </div>
  );
}
