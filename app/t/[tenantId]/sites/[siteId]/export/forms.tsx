'use client';
import { useActionState, useEffect } from 'react';
import { useTranslations } from 'next-intl';
import {
  ActionForm,
  Field,
  Hidden,
  Select,
  submitKeepingInput,
  useValidationMessage,
} from '@/app/components/action-form';
import { ORDER_EXPORT_COLUMNS } from '@/lib/ec/order-export-columns';
import { decideExportAction, previewExportAction, requestExportAction, startDownloadAction } from './actions';

interface Preview {
  siteName: string;
  siteId: string;
  from: string;
  to: string;
  rows: number;
  customers: number;
  columns: string[];
  pii: string[];
}

/**
 * Step one: period and columns, then a summary of what the file would contain; step two (a form
 * of its own beside the first, forms cannot nest): encoding, reason, request.
 */
export function ExportRequestForm({
  tenantId,
  siteId,
  from,
  to,
}: {
  tenantId: string;
  siteId: string;
  from: string;
  to: string;
}) {
  const t = useTranslations('orderExport');
  const [state, previewAction, pending] = useActionState(previewExportAction, null);
  const preview = state?.ok ? (state.data as unknown as Preview) : null;
  const message = useValidationMessage();
  const errors = useTranslations('errors');
  return (
    <div className="space-y-3">
      <form
        action={previewAction}
        onSubmit={submitKeepingInput(previewAction)}
        className="space-y-3"
        data-testid="export-preview"
      >
        <Hidden name="tenantId" value={tenantId} />
        <Hidden name="siteId" value={siteId} />
        <div className="grid gap-3 sm:grid-cols-2">
          <DateField name="from" label={t('from')} defaultValue={from} errors={state?.fieldErrors?.from} />
          <DateField name="to" label={t('to')} defaultValue={to} errors={state?.fieldErrors?.to} />
        </div>
        <fieldset className="text-sm">
          <legend className="font-medium">{t('columns')}</legend>
          <div className="mt-1 grid gap-1 sm:grid-cols-3">
            {ORDER_EXPORT_COLUMNS.map((c) => (
              <label key={c.key} className="flex items-center gap-2">
                <input
                  type="checkbox"
                  name={`col_${c.key}`}
                  defaultChecked={c.pii === null}
                  data-testid={`col-${c.key}`}
                />
                <span>{t(`column.${c.key}`)}</span>
                {c.pii && <span className="rounded bg-amber-100 px-1 text-xs text-amber-800">{t(`pii.${c.pii}`)}</span>}
              </label>
            ))}
          </div>
          {state?.fieldErrors?.columns && (
            <p className="mt-1 text-xs text-red-700" data-testid="error-columns">
              {state.fieldErrors.columns.map(message).join(' ')}
            </p>
          )}
        </fieldset>
        {state && !state.ok && state.error && !state.fieldErrors && (
          <p role="alert" data-testid="form-error" className="text-sm text-red-700">
            {errors.has(state.error) ? errors(state.error) : errors('bad_request')}
          </p>
        )}
        <button
          disabled={pending}
          className="rounded border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-60"
        >
          {t('preview')}
        </button>
      </form>
      {preview && <RequestStep key={JSON.stringify(preview)} tenantId={tenantId} preview={preview} />}
    </div>
  );
}

function DateField({
  name,
  label,
  defaultValue,
  errors,
}: {
  name: string;
  label: string;
  defaultValue: string;
  errors?: string[];
}) {
  const message = useValidationMessage();
  return (
    <div className="text-sm">
      <label htmlFor={`f-${name}`} className="block font-medium">
        {label}
      </label>
      <input
        id={`f-${name}`}
        name={name}
        type="date"
        defaultValue={defaultValue}
        required
        aria-invalid={errors ? true : undefined}
        className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
      />
      {errors && (
        <p className="mt-1 text-xs text-red-700" data-testid={`error-${name}`}>
          {errors.map(message).join(' ')}
        </p>
      )}
    </div>
  );
}

function RequestStep({ tenantId, preview }: { tenantId: string; preview: Preview }) {
  const t = useTranslations('orderExport');
  const kinds = preview.pii.map((k) => t(`pii.${k}`)).join(t('listSeparator'));
  return (
    <div className="mt-3 space-y-3 rounded border border-amber-300 bg-amber-50 p-3">
      <p className="font-medium" data-testid="export-summary">
        {t('summary', { rows: preview.rows, customers: preview.customers })}
        {preview.pii.length > 0 ? ` ${t('includes', { kinds })}` : ` ${t('noPersonalData')}`}
      </p>
      <ActionForm
        action={requestExportAction}
        submit={t('request')}
        testId="export-request"
        success={(s) => (
          <p data-testid="export-requested">
            {(s.data as { status: string }).status === 'pending_approval' ? t('heldForApproval') : t('ready')}
          </p>
        )}
      >
        <Hidden name="tenantId" value={tenantId} />
        <Hidden name="siteId" value={preview.siteId} />
        <Hidden name="from" value={preview.from} />
        <Hidden name="to" value={preview.to} />
        {preview.columns.map((c) => (
          <Hidden key={c} name={`col_${c}`} value="on" />
        ))}
        <Select
          name="encoding"
          label={t('encoding')}
          options={[
            { value: 'utf8', label: 'UTF-8' },
            { value: 'utf8-bom', label: t('utf8Bom') },
            { value: 'sjis', label: t('sjis') },
          ]}
        />
        <Field name="reason" label={t('reason')} required autoComplete="off" />
      </ActionForm>
    </div>
  );
}

export function DownloadExportForm({ tenantId, exportId }: { tenantId: string; exportId: string }) {
  const t = useTranslations('orderExport');
  return (
    <ActionForm
      action={startDownloadAction}
      submit={t('download')}
      testId="export-download"
      success={(s) => <StartDownload url={String((s.data as { url: string }).url)} />}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="exportId" value={exportId} />
    </ActionForm>
  );
}

/** The file comes from the route handler, which checks the session, step-up and ownership again. */
function StartDownload({ url }: { url: string }) {
  const t = useTranslations('orderExport');
  useEffect(() => window.location.assign(url), [url]);
  return (
    <a className="text-brand-600 underline" href={url}>
      {t('downloadStarted')}
    </a>
  );
}

export function DecideExportForm({
  tenantId,
  siteId,
  exportId,
}: {
  tenantId: string;
  siteId: string;
  exportId: string;
}) {
  const t = useTranslations('orderExport');
  return (
    <div className="flex gap-2">
      {(['approve', 'reject'] as const).map((decision) => (
        <ActionForm
          key={decision}
          action={decideExportAction}
          submit={t(decision)}
          tone={decision === 'approve' ? 'primary' : 'danger'}
          testId={`export-${decision}`}
        >
          <Hidden name="tenantId" value={tenantId} />
          <Hidden name="siteId" value={siteId} />
          <Hidden name="exportId" value={exportId} />
          <Hidden name="decision" value={decision} />
        </ActionForm>
      ))}
    </div>
  );
}
