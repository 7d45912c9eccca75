'use client';
import { useCallback, useState } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useTranslations } from 'next-intl';
import type { ActionState } from '@/lib/auth/with-action';
import { ActionForm, Field } from './action-form';

const openers = {
  danger: 'border border-red-300 bg-white text-red-700 hover:bg-red-50',
  plain: 'border border-slate-300 bg-white text-slate-800 hover:bg-slate-100',
};

/**
 * A risky action behind a button: the dialog names the effect, holds the reason (and, when the
 * server asks, the step-up code), announces errors, and on success closes and hands focus back to
 * the button, beside which the result is shown.
 */
export function ConfirmAction({
  label,
  title,
  effect,
  confirm,
  action,
  children,
  reason = true,
  tone = 'danger',
  success,
  testId,
}: {
  /** The button that opens the dialog. */
  label: string;
  title: string;
  /** What will happen, in words the user can check: "Ends 7 sessions of 株式会社さくらアパレル." */
  effect: React.ReactNode;
  /** The dialog's confirming button; the opener's label when not given. */
  confirm?: string;
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  children?: React.ReactNode;
  /** Whether the action takes a reason for the audit trail. */
  reason?: boolean;
  tone?: 'danger' | 'plain';
  success?: (state: NonNullable<ActionState>) => React.ReactNode;
  testId?: string;
}) {
  const t = useTranslations('confirm');
  const ta = useTranslations('admin');
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<NonNullable<ActionState> | null>(null);
  const finished = useCallback((state: NonNullable<ActionState>) => {
    setDone(state);
    setOpen(false);
  }, []);
  return (
    <div>
      <DialogTrigger
        isOpen={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (next) setDone(null);
        }}
      >
        <Button
          className={`rounded px-4 py-2 text-sm font-medium outline-offset-2 focus-visible:outline-2 focus-visible:outline-brand-600 ${openers[tone]}`}
          data-testid={testId && `${testId}-open`}
        >
          {label}
        </Button>
        <ModalOverlay
          isDismissable
          className="fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-slate-900/40 p-4 sm:items-center"
        >
          <Modal className="w-full max-w-md rounded-lg bg-white p-5 shadow-xl">
            <Dialog role="alertdialog" className="outline-none" data-testid={testId && `${testId}-dialog`}>
              <Heading slot="title" className="text-lg font-semibold">
                {title}
              </Heading>
              <div className="mt-2 text-sm text-slate-700" data-testid="confirm-effect">
                {effect}
              </div>
              <ActionForm
                action={action}
                submit={confirm ?? label}
                tone={tone === 'danger' ? 'danger' : 'primary'}
                className="mt-4 space-y-3"
                testId={testId}
                onSuccess={finished}
                secondary={
                  <Button
                    slot="close"
                    className="rounded border border-slate-300 bg-white px-4 py-2 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600"
                  >
                    {t('cancel')}
                  </Button>
                }
              >
                {children}
                {reason && <Field name="reason" label={ta('reason')} required autoFocus autoComplete="off" />}
              </ActionForm>
            </Dialog>
          </Modal>
        </ModalOverlay>
      </DialogTrigger>
      {/* Present before the result arrives, so that a screen reader announces it. */}
      <div role="status" className="mt-2 empty:hidden" data-testid="form-success">
        {done && success ? success(done) : null}
      </div>
    </div>
  );
}
