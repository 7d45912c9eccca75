'use client';
import { Fragment } from 'react';
import { useLocale, useTranslations } from 'next-intl';
import { ActionForm, Hidden } from '@/app/components/action-form';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { revealMemberAction } from './actions';

/**
 * A revealed record under its row's button. It lives only in the form's state: leaving or reloading
 * the page shows the masked list again.
 */
export function RevealedRecord({ fields, note }: { fields: [label: string, value: React.ReactNode][]; note: string }) {
  return (
    <div className="min-w-72 rounded border border-amber-300 bg-amber-50 p-2 text-xs" data-testid="revealed-record">
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
        {fields.map(([label, value]) => (
          <Fragment key={label}>
            <dt className="text-slate-600">{label}</dt>
            <dd className="break-all">{value === null || value === '' ? '—' : value}</dd>
          </Fragment>
        ))}
      </dl>
      <p className="mt-1 text-amber-900">{note}</p>
    </div>
  );
}

interface RevealedMember {
  memberNo: string;
  name: string;
  nameKana: string;
  email: string;
  phone: string | null;
  postalCode: string | null;
  address: string | null;
  registeredAt: Date;
}

export function RevealMemberForm({ tenantId, memberId }: { tenantId: string; memberId: string }) {
  const t = useTranslations('members');
  const locale = useLocale() as Locale;
  return (
    <ActionForm
      action={revealMemberAction}
      submit={t('reveal')}
      tone="plain"
      className="space-y-1"
      testId="reveal-member"
      success={(s) => {
        const m = s.data as unknown as RevealedMember;
        return (
          <RevealedRecord
            note={t('revealed')}
            fields={[
              [t('memberNo'), m.memberNo],
              [t('name'), m.name],
              [t('nameKana'), m.nameKana],
              [
                t('email'),
                <span key="email" data-testid="revealed-email">
                  {m.email}
                </span>,
              ],
              [t('phone'), m.phone],
              [t('postalCode'), m.postalCode],
              [t('address'), m.address],
              [t('registeredAt'), formatJst(new Date(m.registeredAt), locale)],
            ]}
          />
        );
      }}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="memberId" value={memberId} />
    </ActionForm>
  );
}
