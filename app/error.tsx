'use client';
import Link from 'next/link';
import { useTranslations } from 'next-intl';

/** Generic message plus the digest as a reference; never the error text or a stack. */
export default function ErrorPage({ error }: { error: Error & { digest?: string } }) {
  const t = useTranslations('errors');
  return (
    <div className="mx-auto mt-12 max-w-lg rounded-lg border border-red-200 bg-white p-6">
      <h1 className="text-xl font-semibold">{t('title')}</h1>
      <p className="mt-2 text-sm text-slate-700">{t('body')}</p>
      <p className="mt-2 font-mono text-sm" data-testid="error-id">
        {error.digest ?? '—'}
      </p>
      <Link href="/" className="mt-4 inline-block text-sm text-brand-600 hover:underline">
        {t('back')}
      </Link>
    </div>
  );
}
