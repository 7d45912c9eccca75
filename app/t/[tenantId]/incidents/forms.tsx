'use client';
import Link from 'next/link';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { ActionForm, Field, Hidden, Select } from '@/app/components/action-form';
import { ConfirmAction } from '@/app/components/confirm-action';
import { addIncidentPivotAction, closeIncidentAction, openIncidentAction } from './actions';

/** Opens an incident by its title; the new incident is linked once it exists. */
export function OpenIncidentForm({ tenantId }: { tenantId: string }) {
  const t = useTranslations('incidents');
  return (
    <ActionForm
      action={openIncidentAction}
      submit={t('open')}
      testId="open-incident"
      resetOnSuccess
      success={(s) => (
        <Link className="text-brand-600 underline" href={`/t/${tenantId}/incidents/${String(s.data?.id)}`}>
          {t('opened')}
        </Link>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Field name="title" label={t('titleField')} required autoComplete="off" />
    </ActionForm>
  );
}

/**
 * Adds the pivot on screen to an open incident, or to a new one named here. `filter` is the
 * pivot's query string as the audit page links it.
 */
export function AddPivotForm({
  tenantId,
  filter,
  open,
}: {
  tenantId: string;
  filter: string;
  open: { id: string; title: string }[];
}) {
  const t = useTranslations('incidents');
  const [into, setInto] = useState(open[0]?.id ?? 'new');
  return (
    <ActionForm
      action={addIncidentPivotAction}
      submit={t('addPivot')}
      tone="plain"
      idPrefix="add-pivot"
      testId="add-pivot"
      className="flex flex-wrap items-end gap-3"
      success={(s) => (
        <Link
          className="text-sm text-brand-600 underline"
          href={`/t/${tenantId}/incidents/${String(s.data?.id)}`}
          data-testid="pivot-added"
        >
          {t('pivotAdded')}
        </Link>
      )}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="filter" value={filter} />
      <Select
        name="into"
        label={t('into')}
        defaultValue={into}
        onChange={setInto}
        options={[...open.map((i) => ({ value: i.id, label: i.title })), { value: 'new', label: t('intoNew') }]}
      />
      {into === 'new' && <Field name="title" label={t('titleField')} required autoComplete="off" />}
    </ActionForm>
  );
}

/** Closes the incident with a note: what was found and done. */
export function CloseIncidentForm({ tenantId, incidentId }: { tenantId: string; incidentId: string }) {
  const t = useTranslations('incidents');
  return (
    <ConfirmAction
      action={closeIncidentAction}
      label={t('close')}
      title={t('closeTitle')}
      effect={t('closeEffect')}
      confirm={t('closeConfirm')}
      tone="plain"
      testId="close-incident"
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="incidentId" value={incidentId} />
    </ConfirmAction>
  );
}
