'use client';
import { Fragment, useEffect, useRef, useState } from 'react';
import { X } from 'lucide-react';
import { useLocale, useTranslations } from 'next-intl';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { ActionForm, Hidden } from '@/app/components/action-form';
import { useCountdown } from '@/app/components/use-countdown';
import type { ActionState } from '@/lib/auth/with-action';
import { REVEAL_SECONDS } from '@/lib/ec/reveal-window';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { revealMemberAction } from './actions';

type RecordFields = [label: string, value: React.ReactNode][];

/**
 * A row's "Show in full" button. The record opens in a side panel that hides itself after
 * REVEAL_SECONDS (or when closed), and the form is then remounted: the record lived only in its
 * state, so it is gone from the page, never in the URL or browser storage.
 */
export function RevealRecordForm({
  section,
  action,
  testId,
  record,
  children,
}: {
  /** The message section with reveal, revealed, hidesIn and close. */
  section: 'orders' | 'members';
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  testId: string;
  record: (data: Record<string, unknown>) => { title: string; fields: RecordFields };
  children: React.ReactNode;
}) {
  const t = useTranslations(section);
  const [generation, setGeneration] = useState(0);
  const cell = useRef<HTMLDivElement>(null);
  const refocus = useRef(false);
  // The panel's own focus restore has nothing to go back to (its button was remounted), so the new
  // form's button takes focus: keyboard users carry on from the row they were in.
  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    const form = cell.current?.querySelector('form');
    const button = Array.from(form?.elements ?? []).find(
      (e): e is HTMLButtonElement => e instanceof HTMLButtonElement && e.type === 'submit',
    );
    button?.focus();
  }, [generation]);
  const hide = () => {
    refocus.current = true;
    setGeneration((g) => g + 1);
  };
  return (
    <div ref={cell}>
      <ActionForm
        key={generation}
        action={action}
        submit={t('reveal')}
        tone="plain"
        className="space-y-1"
        testId={testId}
        success={(s) => (
          <RevealedPanel
            {...record(s.data ?? {})}
            note={t('revealed')}
            close={t('close')}
            hidesIn={(seconds) => t('hidesIn', { seconds })}
            onHide={hide}
          />
        )}
      >
        {children}
      </ActionForm>
    </div>
  );
}

/** A side panel with the record and its countdown; Escape, a click outside or the close button hide it early. */
function RevealedPanel({
  title,
  fields,
  note,
  close,
  hidesIn,
  onHide,
}: {
  title: string;
  fields: RecordFields;
  note: string;
  close: string;
  hidesIn: (seconds: number) => string;
  onHide: () => void;
}) {
  const left = useCountdown(REVEAL_SECONDS, onHide);
  return (
    <ModalOverlay
      isOpen
      isDismissable
      onOpenChange={(open) => !open && onHide()}
      className="fixed inset-0 z-40 bg-slate-900/30"
    >
      <Modal className="fixed inset-y-0 right-0 w-full max-w-md overflow-y-auto bg-white shadow-xl">
        <Dialog className="space-y-3 p-4 outline-none" data-testid="revealed-record">
          <div className="flex items-start gap-3">
            <Heading slot="title" className="text-lg font-semibold">
              {title}
            </Heading>
            <Button
              aria-label={close}
              onPress={onHide}
              className="ml-auto rounded p-1.5 text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600"
            >
              <X aria-hidden size={20} />
            </Button>
          </div>
          {/* A timer, not a live region: announcing every second would drown out the record. */}
          <p role="timer" className="text-sm text-amber-900" data-testid="reveal-countdown">
            {hidesIn(left)}
          </p>
          <RevealedRecord fields={fields} note={note} />
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

function RevealedRecord({ fields, note }: { fields: RecordFields; note: string }) {
  return (
    <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        {fields.map(([label, value]) => (
          <Fragment key={label}>
            <dt className="text-slate-600">{label}</dt>
            <dd className="break-all">{value === null || value === '' ? '—' : value}</dd>
          </Fragment>
        ))}
      </dl>
      <p className="mt-2 text-amber-900">{note}</p>
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
    <RevealRecordForm
      section="members"
      action={revealMemberAction}
      testId="reveal-member"
      record={(data) => {
        const m = data as unknown as RevealedMember;
        return {
          title: t('recordTitle', { memberNo: m.memberNo }),
          fields: [
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
          ],
        };
      }}
    >
      <Hidden name="tenantId" value={tenantId} />
      <Hidden name="memberId" value={memberId} />
    </RevealRecordForm>
  );
}
