'use client';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden } from '@/app/components/action-form';
import { setAlertWebhookAction } from './actions';

export function WebhookForm({ tenantId, url }: { tenantId: string; url: string | null }) {
  const t = useTranslations('webhook');
  return (
    <ActionForm
      action={setAlertWebhookAction}
      submit={t('save')}
      testId="webhook-form"
      success={(s) =>
        (s.data as { secret: string | null }).secret ? (
          <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
            <div>{t('secretOnce')}</div>
            <code className="mt-1 block break-all" data-testid="webhook-secret">
              {String((s.data as { secret: string }).secret)}
            </code>
          </div>
        ) : (
          <p className="text-sm">{t('removed')}</p>
        )
      }
    >
      <Hidden name="tenantId" value={tenantId} />
      <Field name="url" label={t('url')} defaultValue={url} autoComplete="off" />
    </ActionForm>
  );
}
