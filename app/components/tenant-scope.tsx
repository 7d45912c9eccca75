'use client';
import { useState } from 'react';
import { useTranslations } from 'next-intl';
import { useFieldErrors, useValidationMessage } from './action-form';

/**
 * A platform campaign's tenants: every one (by their number, so a tenant added meanwhile is not
 * covered unseen) or a non-empty choice. Nothing is preselected: no choice is refused, never "all".
 */
export function TenantScope({ tenants }: { tenants: { id: string; name: string; code: string }[] }) {
  const t = useTranslations('tenantScope');
  const message = useValidationMessage();
  const [scope, setScope] = useState<'all' | 'chosen' | null>(null);
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState(0);
  const errors = [...(useFieldErrors('tenantIds') ?? []), ...(useFieldErrors('allTenants') ?? [])];
  const needle = filter.trim().toLowerCase();
  return (
    <fieldset
      className="text-sm"
      aria-invalid={errors.length ? true : undefined}
      aria-describedby={errors.length ? 'f-tenants-error' : undefined}
    >
      <legend className="font-medium">{t('legend')}</legend>
      <div className="mt-1 space-y-1">
        <label className="flex items-center gap-2">
          <input type="radio" name="scope" value="all" onChange={() => setScope('all')} />
          {t('allTenants', { count: tenants.length })}
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="scope" value="chosen" onChange={() => setScope('chosen')} />
          {t('chosenTenants')}
        </label>
      </div>
      {scope === 'all' && <input type="hidden" name="allTenants" value={tenants.length} />}
      {scope === 'chosen' && (
        <div className="mt-2 rounded border border-slate-200 p-2">
          <label htmlFor="tenant-filter" className="block text-xs text-slate-600">
            {t('filterTenants')}
          </label>
          <input
            id="tenant-filter"
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            className="mt-1 w-full rounded border border-slate-300 px-2 py-1"
          />
          <div
            className="mt-2 max-h-56 space-y-1 overflow-y-auto"
            onChange={(e) => setChosen(e.currentTarget.querySelectorAll('input:checked').length)}
          >
            {tenants.map((x) => (
              <label
                key={x.id}
                className={`flex items-center gap-2 ${needle && !`${x.name} ${x.code}`.toLowerCase().includes(needle) ? 'hidden' : ''}`}
              >
                <input type="checkbox" name="tenantIds" value={x.id} />
                {x.name} <span className="text-slate-500">({x.code})</span>
              </label>
            ))}
          </div>
          <p className="mt-1 text-xs text-slate-600" aria-live="polite">
            {t('chosenCount', { count: chosen })}
          </p>
        </div>
      )}
      {errors.length > 0 && (
        <p id="f-tenants-error" className="mt-1 text-xs text-red-700" data-testid="error-tenantIds">
          {errors.map(message).join(' ')}
        </p>
      )}
    </fieldset>
  );
}
