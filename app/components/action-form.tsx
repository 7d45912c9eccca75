'use client';
import Link from 'next/link';
import { createContext, startTransition, useActionState, useContext, useEffect, useRef, useState } from 'react';
import { stepUpAction } from '@/app/actions';
import { useTranslations } from 'next-intl';
import type { ActionState } from '@/lib/auth/with-action';
import { validationMessage } from './validation-message';

const FieldErrors = createContext<Record<string, string[]> | undefined>(undefined);

/** Translates a validation key from the server (see validationMessage). */
export function useValidationMessage() {
  const t = useTranslations('validation');
  return (key: string) => validationMessage(t, key);
}

/**
 * Submits through a transition instead of the form's action prop: React resets a form after an
 * action submitted through the prop, which would lose what the user typed when the server refuses
 * it. Without JavaScript the action prop still works.
 */
export function submitKeepingInput(action: (data: FormData) => void, remember?: (data: FormData) => void) {
  return (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    remember?.(data);
    startTransition(() => action(data));
  };
}

/**
 * A form bound to a server action: shows field errors next to the fields, a general error or a
 * success message, and whatever the action returned for one-time display (a temporary password).
 */
export function ActionForm({
  action,
  children,
  submit,
  tone = 'primary',
  className = 'space-y-3',
  success,
  testId,
  resetOnSuccess = false,
}: {
  action: (prev: ActionState, formData: FormData) => Promise<ActionState>;
  children?: React.ReactNode;
  submit: string;
  tone?: 'primary' | 'danger' | 'plain';
  className?: string;
  success?: (state: NonNullable<ActionState>) => React.ReactNode;
  testId?: string;
  resetOnSuccess?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const t = useTranslations('errors');
  const form = useRef<HTMLFormElement>(null);
  const lastSubmitted = useRef<FormData | null>(null);
  useEffect(() => {
    if (state?.ok && resetOnSuccess) form.current?.reset();
  }, [state, resetOnSuccess]);
  const tones = {
    primary: 'bg-brand-600 text-white hover:bg-brand-700',
    danger: 'bg-red-600 text-white hover:bg-red-700',
    plain: 'border border-slate-300 bg-white hover:bg-slate-100',
  };
  return (
    <FieldErrors.Provider value={state?.fieldErrors}>
      <form
        ref={form}
        action={formAction}
        onSubmit={(event) => submitKeepingInput(formAction, (data) => (lastSubmitted.current = data))(event)}
        className={className}
        data-testid={testId}
      >
        {children}
        {state?.error === 'step_up_required' && (
          <StepUp
            onVerified={() => lastSubmitted.current && startTransition(() => formAction(lastSubmitted.current!))}
          />
        )}
        {state?.error === 'mfa_enrollment_required' && (
          <p role="alert" className="text-sm text-red-700">
            {t('mfa_enrollment_required')}{' '}
            <Link className="underline" href="/account/mfa">
              {t('enrollNow')}
            </Link>
          </p>
        )}
        {state &&
          !state.ok &&
          state.error &&
          state.error !== 'step_up_required' &&
          state.error !== 'mfa_enrollment_required' && (
            <p role="alert" data-testid="form-error" className="text-sm text-red-700">
              {t.has(state.error) ? t(state.error) : t('bad_request')}
            </p>
          )}
        {state?.ok && success && <div data-testid="form-success">{success(state)}</div>}
        <button
          disabled={pending}
          className={`rounded px-4 py-2 text-sm font-medium disabled:opacity-60 ${tones[tone]}`}
        >
          {submit}
        </button>
      </form>
    </FieldErrors.Provider>
  );
}

export function Field({
  name,
  label,
  type = 'text',
  defaultValue,
  required,
  autoComplete,
  children,
}: {
  name: string;
  label: string;
  type?: string;
  defaultValue?: string | null;
  required?: boolean;
  autoComplete?: string;
  children?: React.ReactNode;
}) {
  const errors = useContext(FieldErrors)?.[name];
  const message = useValidationMessage();
  const id = `f-${name}`;
  return (
    <div className="text-sm">
      <label htmlFor={id} className="block font-medium">
        {label}
      </label>
      {children ?? (
        <input
          id={id}
          name={name}
          type={type}
          defaultValue={defaultValue ?? ''}
          required={required}
          autoComplete={autoComplete}
          aria-invalid={errors ? true : undefined}
          aria-describedby={errors ? `${id}-error` : undefined}
          className="mt-1 w-full rounded border border-slate-300 px-3 py-2 aria-invalid:border-red-500"
        />
      )}
      {errors && (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700" data-testid={`error-${name}`}>
          {errors.map(message).join(' ')}
        </p>
      )}
    </div>
  );
}

export function Select({
  name,
  label,
  options,
  defaultValue,
  onChange,
}: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  defaultValue?: string;
  onChange?: (value: string) => void;
}) {
  return (
    <Field name={name} label={label}>
      <select
        id={`f-${name}`}
        name={name}
        defaultValue={defaultValue}
        onChange={onChange && ((e) => onChange(e.target.value))}
        className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Several boxes under one name (the server gets a list), with the group's error under them. */
export function CheckboxGroup({
  name,
  legend,
  options,
  defaultValues = [],
}: {
  name: string;
  legend: string;
  options: { value: string; label: string }[];
  defaultValues?: string[];
}) {
  const errors = useContext(FieldErrors)?.[name];
  const message = useValidationMessage();
  const id = `f-${name}`;
  return (
    <fieldset
      className="text-sm"
      aria-describedby={errors ? `${id}-error` : undefined}
      aria-invalid={errors ? true : undefined}
    >
      <legend className="font-medium">{legend}</legend>
      <div className="mt-1 space-y-1">
        {options.map((o) => (
          <label key={o.value} className="flex items-center gap-2">
            <input type="checkbox" name={name} value={o.value} defaultChecked={defaultValues.includes(o.value)} />
            {o.label}
          </label>
        ))}
      </div>
      {errors && (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700" data-testid={`error-${name}`}>
          {errors.map(message).join(' ')}
        </p>
      )}
    </fieldset>
  );
}

export function Hidden({ name, value }: { name: string; value: string }) {
  return <input type="hidden" name={name} value={value} />;
}

/**
 * Asked inline when the server answers "step_up_required": a current code, then the action the
 * user started runs again with the same input. The server checks the step-up on its own.
 */
function StepUp({ onVerified }: { onVerified: () => void }) {
  const t = useTranslations('mfa');
  const [code, setCode] = useState('');
  const [error, setError] = useState(false);
  const [pending, setPending] = useState(false);
  const submit = async () => {
    setPending(true);
    const data = new FormData();
    data.set('code', code);
    const result = await stepUpAction(null, data);
    setPending(false);
    if (result?.ok) {
      setError(false);
      onVerified();
    } else setError(true);
  };
  return (
    <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="step-up">
      <label className="block font-medium" htmlFor="step-up-code">
        {t('stepUpPrompt')}
      </label>
      <div className="mt-2 flex gap-2">
        <input
          id="step-up-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void submit();
            }
          }}
          inputMode="numeric"
          autoComplete="one-time-code"
          className="w-36 rounded border border-slate-300 px-2 py-1 font-mono"
        />
        <button
          type="button"
          disabled={pending}
          onClick={() => void submit()}
          className="rounded bg-brand-600 px-3 py-1 text-white"
        >
          {t('stepUpSubmit')}
        </button>
      </div>
      {error && (
        <p className="mt-1 text-red-700" data-testid="step-up-error">
          {t('verifyError.bad_code')}
        </p>
      )}
    </div>
  );
}
