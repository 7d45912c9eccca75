'use client';
import { useLocale, useTranslations } from 'next-intl';
import { Hidden } from '@/app/components/action-form';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { RevealRecordForm } from '../members/forms';
import { revealOrderAction } from './actions';

interface RevealedOrder {
  orderNo: string;
  orderedAt: Date;
  status: string;
  customerName: string;
  customerKana: string;
  customerEmail: string;
  customerEmailAlt: string | null;
  customerPhone: string;
  customerPostalCode: string;
  customerAddress: string;
  customerComment: string | null;
  adminComment: string | null;
  shipName: string;
  shipPostalCode: string;
  shipAddress: string;
  shipPhone: string;
  amount: number;
  trackingNo: string | null;
}

export function RevealOrderForm({ tenantId, orderId }: { tenantId: string; orderId: string }) {
  const t = useTranslations('orders');
  const locale = useLocale() as Locale;
  return (
    <RevealRecordForm
      section="orders"
      action={revealOrderAction}
      testId="reveal-order"
      record={(data) => {
        const o = data as unknown as RevealedOrder;
        return {
          title: t('recordTitle', { orderNo: o.orderNo }),
          fields: [
            [t('orderNo'), o.orderNo],
            [t('orderedAt'), formatJst(new Date(o.orderedAt), locale)],
            [t('statusLabel'), t(`status.${o.status}`)],
            [t('customer'), o.customerName],
            [t('customerKana'), o.customerKana],
            [
              t('email'),
              <span key="email" data-testid="revealed-email">
                {o.customerEmail}
              </span>,
            ],
            [t('emailAlt'), o.customerEmailAlt],
            [t('phone'), o.customerPhone],
            [t('postalCode'), o.customerPostalCode],
            [t('address'), o.customerAddress],
            [t('customerComment'), o.customerComment],
            [t('adminComment'), o.adminComment],
            [t('shipName'), o.shipName],
            [t('shipPostalCode'), o.shipPostalCode],
            [t('shipAddress'), o.shipAddress],
            [t('shipPhone'), o.shipPhone],
            [t('amount'), t('amountValue', { amount: o.amount })],
            [t('trackingNo'), o.trackingNo],
          ],
        };
      }}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="orderId" value={orderId} />
    </RevealRecordForm>
  );
}
