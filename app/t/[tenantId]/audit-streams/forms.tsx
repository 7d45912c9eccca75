'use client';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden, Select } from '@/app/components/action-form';
import { ConfirmAction } from '@/app/components/confirm-action';
import { createStreamAction, removeStreamAction, setStreamStatusAction, testStreamAction } from './actions';

const KINDS = ['https_json', 'splunk_hec', 'syslog_tls'] as const;

export function CreateStreamForm({ tenantId }: { tenantId: string }) {
  const t = useTranslations('streams');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('https_json');
  return (
    <ActionForm
      action={createStreamAction}
      submit={t('create')}
      testId="create-stream"
      resetOnSuccess
      success={(s) =>
        (s.data as { secret: string | null }).secret ? (
          <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
            <div>{t('secretOnce')}</div>
            <code className="mt-1 block break-all" data-testid="stream-secret">
              {String((s.data as { secret: string }).secret)}
            </code>
          </div>
        ) : (
          <p className="text-sm">{t('created')}</p>
        )
      }
    >
      <Hidden name="tenantId" value={tenantId} />
      <Field name="name" label={t('name')} required autoComplete="off" />
      <Select
        name="kind"
        label={t('kind')}
        defaultValue={kind}
        onChange={(v) => setKind(v as (typeof KINDS)[number])}
        options={KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))}
      />
      <Field name="url" label={t('url')} required autoComplete="off" inputMode="url" />
      <p className="-mt-2 text-xs text-slate-600">{t(`urlHint.${kind}`)}</p>
      {kind === 'splunk_hec' && <Field name="token" label={t('token')} required autoComplete="off" />}
      <Select
        name="format"
        label={t('format')}
        options={(['mamori', 'ocsf'] as const).map((f) => ({ value: f, label: t(`formats.${f}`) }))}
      />
      <Field name="backfillFrom" label={t('backfillFrom')} type="date" />
      <p className="-mt-2 text-xs text-slate-600">{t('backfillHint')}</p>
    </ActionForm>
  );
}

export function StreamControls({
  tenantId,
  streamId,
  name,
  status,
}: {
  tenantId: string;
  streamId: string;
  name: string;
  status: 'running' | 'paused';
}) {
  const t = useTranslations('streams');
  return (
    <div className="flex flex-wrap items-start gap-2">
      <ActionForm
        action={setStreamStatusAction}
        submit={status === 'running' ? t('pause') : t('resume')}
        tone="plain"
        className="flex flex-col gap-1"
        idPrefix={`status-${streamId}`}
      >
        <Hidden name="tenantId" value={tenantId} />
        <Hidden name="streamId" value={streamId} />
        <Hidden name="status" value={status === 'running' ? 'paused' : 'running'} />
      </ActionForm>
      <ActionForm
        action={testStreamAction}
        submit={t('test')}
        tone="plain"
        className="flex flex-col gap-1"
        idPrefix={`test-${streamId}`}
        success={(s) => {
          const r = s.data as { ok: boolean; error?: string };
          return (
            <p role="status" className={`text-xs ${r.ok ? 'text-green-800' : 'text-red-800'}`}>
              {r.ok ? t('testOk') : t('testFailed', { error: t(`errors.${r.error}`) })}
            </p>
          );
        }}
      >
        <Hidden name="tenantId" value={tenantId} />
        <Hidden name="streamId" value={streamId} />
      </ActionForm>
      <ConfirmAction
        label={t('remove')}
        title={t('removeTitle', { name })}
        effect={t('removeEffect', { name })}
        action={removeStreamAction}
        reason={false}
      >
        <input type="hidden" name="tenantId" value={tenantId} />
        <input type="hidden" name="streamId" value={streamId} />
      </ConfirmAction>
    </div>
  );
}
