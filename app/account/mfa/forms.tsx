'use client';
import { Check, Copy, Download, Printer } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { ActionForm, Field } from '@/app/components/action-form';
import type { ActionState } from '@/lib/auth/with-action';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { confirmEnrollmentAction, disableTotpAction, regenerateCodesAction, startEnrollmentAction } from './actions';

type Action = (prev: ActionState, formData: FormData) => Promise<ActionState>;

const codesOf = (state: NonNullable<ActionState>) => (state.data?.recoveryCodes as string[] | undefined) ?? [];

// While the codes are on screen, a printout holds them alone: whatever neither contains the card nor
// sits inside it drops out. Once the card is gone the rule matches nothing, so other pages print whole.
const PRINT_CODES_ALONE = `@media print {
  body:has([data-print-alone]) *:not(:has([data-print-alone]), [data-print-alone], [data-print-alone] *) {
    display: none !important;
  }
}`;

const TOOL_BUTTON =
  'inline-flex items-center gap-2 rounded border border-slate-300 bg-white px-3 py-2 font-medium hover:bg-slate-100';

/** Shown once, right after they were made: copy, download or print them, then say they are kept. */
function RecoveryCodes({ codes, loginId, onDone }: { codes: string[]; loginId: string; onDone: () => void }) {
  const t = useTranslations('mfa');
  const locale = useLocale() as Locale;
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [createdAt] = useState(() => new Date());
  const [copyNote, setCopyNote] = useState('');
  const [saved, setSaved] = useState(false);
  const header = t('fileHeader', { loginId, date: formatJst(createdAt, locale) });
  // The card replaces the form the user just submitted: the codes are what is read next.
  useEffect(() => {
    heading.current?.focus();
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopyNote(t('copied'));
    } catch {
      setCopyNote(t('copyFailed'));
    }
  };
  const download = () => {
    const url = URL.createObjectURL(
      new Blob([`${[header, ...codes].join('\n')}\n`], { type: 'text/plain;charset=utf-8' }),
    );
    const link = document.createElement('a');
    link.href = url;
    link.download = 'mamori-recovery-codes.txt';
    link.click();
    // Not at once: a browser may start reading the file only after click() has returned.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <section
      data-print-alone
      aria-labelledby={headingId}
      className="max-w-3xl rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm"
    >
      <style href="mamori-print-codes-alone" precedence="default">
        {PRINT_CODES_ALONE}
      </style>
      <h2 id={headingId} ref={heading} tabIndex={-1} className="font-medium outline-none">
        {t('recoveryTitle')}
      </h2>
      <p className="mt-1 hidden print:block">{header}</p>
      <p className="mt-1 text-amber-900 print:hidden">{t('recoveryHelp')}</p>
      <ol className="mt-3 grid grid-cols-2 gap-1 font-mono text-base" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <div className="mt-4 flex flex-wrap gap-2 print:hidden">
        <button type="button" onClick={() => void copy()} className={TOOL_BUTTON}>
          <Copy aria-hidden size={16} />
          {t('copy')}
        </button>
        <button type="button" onClick={download} className={TOOL_BUTTON}>
          <Download aria-hidden size={16} />
          {t('download')}
        </button>
        <button type="button" onClick={() => window.print()} className={TOOL_BUTTON}>
          <Printer aria-hidden size={16} />
          {t('print')}
        </button>
      </div>
      <p role="status" className="mt-2 min-h-5 text-amber-900 print:hidden">
        {copyNote}
      </p>
      <label className="mt-3 flex items-center gap-2 font-medium print:hidden">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} className="size-4" />
        {t('savedConfirm')}
      </label>
      <button
        type="button"
        disabled={!saved}
        onClick={onDone}
        className="mt-4 rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-60 print:hidden"
      >
        {t('done')}
      </button>
    </section>
  );
}

/** The three steps of enrollment in order, the one the user is on marked as current. */
function Stepper({ current }: { current: 1 | 2 | 3 }) {
  const t = useTranslations('mfa');
  const labels = [t('stepScan'), t('stepCode'), t('stepSave')];
  return (
    <ol aria-label={t('steps')} className="flex flex-col gap-2 text-sm sm:flex-row sm:flex-wrap sm:gap-x-6">
      {labels.map((label, i) => {
        const n = i + 1;
        const done = n < current;
        return (
          <li key={n} aria-current={n === current ? 'step' : undefined} className="flex items-center gap-2">
            <span
              aria-hidden
              className={`flex size-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${
                done
                  ? 'bg-emerald-700 text-white'
                  : n === current
                    ? 'bg-brand-600 text-white'
                    : 'border border-slate-300 bg-white text-slate-600'
              }`}
            >
              {done ? <Check size={14} /> : n}
            </span>
            <span className={n === current ? 'font-semibold' : 'text-slate-600'}>{label}</span>
            {done && <span className="sr-only">{t('stepDone')}</span>}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * Enrollment, one step at a time: start (a fresh secret), scan or type the key, prove it with a
 * code, then the recovery codes alone.
 */
export function TotpEnrollment({
  loginId,
  setup,
}: {
  loginId: string;
  setup: { qrSvg: string; secretGroups: string } | null;
}) {
  const t = useTranslations('mfa');
  const router = useRouter();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [step, setStep] = useState<1 | 2>(1);
  const [codes, setCodes] = useState<string[] | null>(null);
  // Focus follows the user's own moves between steps, never the page's first render.
  const moveFocus = useRef(false);
  const shown = setup ? step : 1;
  useEffect(() => {
    if (!moveFocus.current) return;
    moveFocus.current = false;
    heading.current?.focus();
  }, [shown, setup]);
  const go = (to: 1 | 2) => {
    moveFocus.current = true;
    setStep(to);
  };
  const start = useCallback<Action>(async (prev, data) => {
    const state = await startEnrollmentAction(prev, data);
    if (state?.ok) moveFocus.current = true;
    return state;
  }, []);
  // The codes take the form's place here; the page is not revalidated, which would drop them.
  const confirm = useCallback<Action>(async (prev, data) => {
    const state = await confirmEnrollmentAction(prev, data);
    if (state?.ok) setCodes(codesOf(state));
    return state;
  }, []);
  const labels = [t('stepScan'), t('stepCode')];

  return (
    <div className="max-w-3xl space-y-4">
      <Stepper current={codes ? 3 : shown} />
      {codes ? (
        <RecoveryCodes
          codes={codes}
          loginId={loginId}
          onDone={() => {
            router.push('/');
            // The shell (the grace banner) was drawn before enrollment; a navigation alone keeps it.
            router.refresh();
          }}
        />
      ) : (
        <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id={headingId} ref={heading} tabIndex={-1} className="mb-3 font-medium outline-none">
            {labels[shown - 1]}
          </h2>
          {!setup ? (
            <>
              <p className="mb-3 text-sm text-slate-600">{t('startHelp')}</p>
              <ActionForm action={start} submit={t('start')} testId="start-enrollment" />
            </>
          ) : shown === 1 ? (
            <>
              <div className="flex flex-wrap items-start gap-6">
                {/* Rendered on our server from the otpauth URI; the secret never leaves for a third party. */}
                <div
                  role="img"
                  aria-label={t('qr')}
                  className="w-56 shrink-0 rounded border border-slate-200 bg-white p-2"
                  dangerouslySetInnerHTML={{ __html: setup.qrSvg }}
                />
                <div className="text-sm">
                  <p>{t('scanHelp')}</p>
                  <p className="mt-3">{t('manualKey')}</p>
                  <code className="mt-1 block font-mono text-lg tracking-wider" data-testid="totp-key">
                    {setup.secretGroups}
                  </code>
                </div>
              </div>
              <button
                type="button"
                onClick={() => go(2)}
                className="mt-4 rounded bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
              >
                {t('next')}
              </button>
            </>
          ) : (
            <>
              <p className="mb-3 text-sm text-slate-600">{t('codeHelp')}</p>
              <ActionForm action={confirm} submit={t('confirm')} testId="confirm-enrollment">
                <Field name="code" label={t('code')} autoComplete="one-time-code" required />
              </ActionForm>
              <button
                type="button"
                onClick={() => go(1)}
                className="mt-3 rounded border border-slate-300 bg-white px-4 py-2 text-sm hover:bg-slate-100"
              >
                {t('back')}
              </button>
            </>
          )}
        </section>
      )}
    </div>
  );
}

export function ManageTotp({ loginId }: { loginId: string }) {
  const t = useTranslations('mfa');
  const heading = useRef<HTMLHeadingElement>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  // Back from the codes, focus lands where the user started rather than on the page's top.
  const returnFocus = useRef(false);
  useEffect(() => {
    if (codes || !returnFocus.current) return;
    returnFocus.current = false;
    heading.current?.focus();
  }, [codes]);
  const regenerate = useCallback<Action>(async (prev, data) => {
    const state = await regenerateCodesAction(prev, data);
    if (state?.ok) setCodes(codesOf(state));
    return state;
  }, []);

  if (codes) {
    return (
      <RecoveryCodes
        codes={codes}
        loginId={loginId}
        onDone={() => {
          returnFocus.current = true;
          setCodes(null);
        }}
      />
    );
  }
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 ref={heading} tabIndex={-1} className="mb-2 font-medium outline-none">
          {t('regenerateTitle')}
        </h2>
        <ActionForm action={regenerate} submit={t('regenerate')} tone="plain" testId="regenerate" />
      </section>
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-medium">{t('disableTitle')}</h2>
        <p className="mb-2 text-sm text-slate-600">{t('disableHelp')}</p>
        <ActionForm action={disableTotpAction} submit={t('disable')} tone="danger" testId="disable-totp">
          <Field name="password" label={t('password')} type="password" autoComplete="current-password" required />
          <Field name="code" label={t('code')} autoComplete="one-time-code" required />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="endOtherSessions" defaultChecked /> {t('endOthers')}
          </label>
        </ActionForm>
      </section>
    </div>
  );
}
