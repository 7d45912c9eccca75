import { getTranslations } from 'next-intl/server';

/** 403: access from this network is not allowed for this account (which entries exist is not said). */
export default async function Forbidden() {
  const t = await getTranslations('errors');
  return (
    <div className="mx-auto mt-12 max-w-lg rounded-lg border border-red-200 bg-white p-6" data-testid="ip-denied">
      <h1 className="text-xl font-semibold">{t('ipDeniedTitle')}</h1>
      <p className="mt-2 text-sm text-slate-700">{t('ipDeniedBody')}</p>
    </div>
  );
}
