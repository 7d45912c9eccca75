import { Breadcrumbs } from '@/app/components/breadcrumbs';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { alsoOn, requireAccess } from '@/lib/auth/guard';
import { getPaymentSettings } from '@/lib/ec/payment-settings';
import { isAppError } from '@/lib/http/app-error';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { EditPaymentSettingsForm, SecretRows } from './forms';

export default async function PaymentSettingsPage({
  params,
}: {
  params: Promise<{ tenantId: string; siteId: string }>;
}) {
  const { tenantId, siteId } = await params;
  const ctx = await requireAccess('app/t/[tenantId]/sites/[siteId]/payment/page.tsx', { tenantId });
  const { site, settings } = await getPaymentSettings(ctx, siteId).catch((e: unknown) => {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  });
  const [t, locale] = await Promise.all([getTranslations(), getLocale() as Promise<Locale>]);
  const card = 'rounded-lg border border-slate-200 bg-white p-4';
  const row = 'flex flex-wrap gap-3 border-t border-slate-100 py-2 text-sm first:border-t-0';
  return (
    <div className="space-y-6">
      <Breadcrumbs trail={[{ label: site.name, href: `/t/${tenantId}` }, { label: t('payment.title') }]} />
      <div>
        <h1 className="text-2xl font-semibold" data-testid="payment-title">
          {t('payment.title')} <span className="text-base font-normal text-slate-500">{site.name}</span>
        </h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">{t('payment.intro')}</p>
      </div>
      <section className={card}>
        {settings ? (
          <>
            <dl>
              <div className={row}>
                <dt className="w-48 font-medium">{t('payment.label.provider')}</dt>
                <dd data-testid="payment-provider">{settings.provider}</dd>
              </div>
              <div className={row}>
                <dt className="w-48 font-medium">{t('payment.label.merchant_id')}</dt>
                <dd className="font-mono" data-testid="payment-merchant-id">
                  {settings.merchantId}
                </dd>
              </div>
              <div className={row}>
                <dt className="w-48 font-medium">{t('payment.label.endpoint')}</dt>
                <dd className="font-mono break-all" data-testid="payment-endpoint">
                  {settings.endpoint}
                </dd>
              </div>
              <div className={row}>
                <dt className="w-48 font-medium">{t('payment.updated')}</dt>
                <dd>
                  {formatJst(settings.updatedAt, locale)} · {settings.updatedByLoginId}
                </dd>
              </div>
            </dl>
            <SecretRows
              tenantId={tenantId}
              siteId={site.id}
              masked={{ api_key: settings.apiKey, secret: settings.secret }}
              canReveal={alsoOn(ctx, 'payment_settings.reveal') !== null}
            />
          </>
        ) : (
          <p className="text-sm text-slate-600" data-testid="payment-not-configured">
            {t('payment.notConfigured')}
          </p>
        )}
      </section>
      {alsoOn(ctx, 'payment_settings.write') && (
        <section className={`${card} max-w-xl`}>
          <h2 className="mb-2 font-medium">{t('payment.editTitle')}</h2>
          <EditPaymentSettingsForm
            tenantId={tenantId}
            siteId={site.id}
            current={
              settings && { provider: settings.provider, merchantId: settings.merchantId, endpoint: settings.endpoint }
            }
          />
        </section>
      )}
    </div>
  );
}
