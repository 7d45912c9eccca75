'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Hidden } from '@/app/components/action-form';
import { verifyChainAction } from './actions';

export function VerifyChainForm({ tenantId }: { tenantId: string }) {
  const t = useTranslations('audit');
  return (
    <ActionForm
      action={verifyChainAction}
      submit={t('verify')}
      tone="plain"
      className="flex items-center gap-3"
      testId="verify-chain"
      success={(s) => {
        const v = s.data as {
          ok: boolean;
          events?: number;
          lastSeq?: number;
          damage?: string;
          seq?: number;
          message?: string;
        };
        return v.ok ? (
          <span className="text-sm text-green-700">{t('intact', { events: v.events ?? 0 })}</span>
        ) : (
          <span className="text-sm text-red-700">{t('damaged', { damage: v.damage ?? '', seq: v.seq ?? 0 })}</span>
        );
      }}
    >
      <Hidden name="tenantId" value={tenantId} />
    </ActionForm>
  );
}
