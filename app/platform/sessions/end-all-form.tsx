'use client';
import { useTranslations } from 'next-intl';
import { useFieldErrors, useValidationMessage } from '@/app/components/action-form';
import { ConfirmAction } from '@/app/components/confirm-action';
import { endAllSessionsAction } from './actions';

export function EndAllSessionsForm({ liveSessions, tenants }: { liveSessions: number; tenants: number }) {
  const t = useTranslations('admin');
  return (
    <ConfirmAction
      action={endAllSessionsAction}
      label={t('endAllSubmit')}
      title={t('endAllTitle')}
      effect={t('endAllEffect', { count: liveSessions, tenants })}
      testId="end-all"
      success={(s) => (
        <p className="text-sm text-green-700" data-testid="sessions-ended">
          {t('sessionsEndedAcross', { count: Number(s.data?.count ?? 0), tenants: Number(s.data?.tenants ?? 0) })}
        </p>
      )}
    >
      <AllTenants tenants={tenants} />
    </ConfirmAction>
  );
}

/** The explicit choice of every tenant, ticked by the admin; its value is the number they saw. */
function AllTenants({ tenants }: { tenants: number }) {
  const t = useTranslations('admin');
  const message = useValidationMessage();
  const errors = useFieldErrors('allTenants');
  return (
    <div className="text-sm">
      <label className="flex items-start gap-2 font-medium">
        <input
          type="checkbox"
          name="allTenants"
          value={tenants}
          className="mt-1"
          aria-invalid={errors ? true : undefined}
          aria-describedby={errors ? 'f-allTenants-error' : undefined}
        />
        {t('endAllConfirm', { tenants })}
      </label>
      {errors && (
        <p id="f-allTenants-error" className="mt-1 text-xs text-red-700" data-testid="error-allTenants">
          {errors.map(message).join(' ')}
        </p>
      )}
    </div>
  );
}
